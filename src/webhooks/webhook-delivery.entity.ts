import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const DELIVERY_STATUSES = ['pending', 'delivering', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * One event for one endpoint (the outbox row). `next_attempt_at` is when it is due; while `delivering` it is the
 * end of the lease, so a row whose worker died becomes due again by itself.
 */
@Entity('webhook_deliveries')
export class WebhookDeliveryEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  seq: number;

  @Column({ type: 'text', unique: true })
  id: string;

  @Column({ name: 'event_id', type: 'text' })
  eventId: string;

  @Column({ name: 'endpoint_id', type: 'text' })
  endpointId: string;

  @Column({ name: 'event_type', type: 'text' })
  eventType: string;

  @Column({ type: 'text' })
  status: DeliveryStatus;

  /** Every attempt ever made. */
  @Column({ type: 'integer', default: 0 })
  attempts: number;

  /** Attempts in the current run (the schedule restarts on a manual retry or a recover). */
  @Column({ name: 'run_attempts', type: 'integer', default: 0 })
  runAttempts: number;

  /** Attempts allowed in the current run; null = the whole retry schedule. */
  @Column({ name: 'run_limit', type: 'integer', nullable: true })
  runLimit: number | null;

  @Column({ name: 'next_attempt_at', type: 'integer' })
  nextAttemptAt: number;

  @Column({ name: 'lease_owner', type: 'text', nullable: true })
  leaseOwner: string | null;

  @Column({ name: 'last_status_code', type: 'integer', nullable: true })
  lastStatusCode: number | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  @Column({ name: 'created_at', type: 'integer' })
  createdAt: number;

  @Column({ name: 'updated_at', type: 'integer' })
  updatedAt: number;

  @Column({ name: 'delivered_at', type: 'integer', nullable: true })
  deliveredAt: number | null;
}
