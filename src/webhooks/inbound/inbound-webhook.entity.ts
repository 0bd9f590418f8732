import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type InboundVerification = 'standard-webhooks' | 'hub-signature' | 'api-key';

/** A webhook an external system posted to POST /api/webhook (the seed's shape). */
@Entity('inbound_webhooks')
export class InboundWebhookEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  seq: number;

  @Column({ type: 'text', unique: true })
  id: string;

  @Column({ type: 'text' })
  from: string;

  @Column({ type: 'text' })
  message: string;

  /** The sender's timestamp (epoch seconds), as given. */
  @Column({ type: 'integer', nullable: true })
  timestamp: number | null;

  /** How the request proved where it came from. */
  @Column({ name: 'verified_by', type: 'text' })
  verifiedBy: InboundVerification;

  @Column({ name: 'received_at', type: 'integer' })
  receivedAt: number;
}
