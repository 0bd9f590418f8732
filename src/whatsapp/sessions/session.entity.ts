import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A WhatsApp session (one linked account, or one waiting to be linked). Live state is held in memory. */
@Entity('sessions')
export class SessionEntity {
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Column({ type: 'text' })
  status: string;

  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @Column({ type: 'text', nullable: true })
  phone: string | null;

  @Column({ type: 'text', nullable: true })
  name: string | null;

  @Column({ type: 'text', nullable: true })
  lid: string | null;

  /** Stopped on request: not reopened at start-up until started again. */
  @Column({ type: 'boolean', default: false })
  stopped: boolean;

  @Column({ name: 'created_at', type: 'integer' })
  createdAt: number;

  @Column({ name: 'updated_at', type: 'integer' })
  updatedAt: number;
}
