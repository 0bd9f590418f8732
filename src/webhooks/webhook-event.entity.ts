import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** An event as sent: `payload` is the serialised envelope, byte-identical on every attempt. */
@Entity('webhook_events')
export class WebhookEventEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  seq: number;

  @Column({ type: 'text', unique: true })
  id: string;

  @Column({ type: 'text' })
  type: string;

  @Column({ type: 'text', nullable: true })
  session: string | null;

  @Column({ type: 'text' })
  payload: string;

  @Column({ name: 'created_at', type: 'integer' })
  createdAt: number;
}
