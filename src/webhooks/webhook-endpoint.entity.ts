import { Column, Entity, PrimaryColumn } from 'typeorm';

export type EndpointDisabledReason = 'manual' | 'gone' | 'failing';

/** A URL that receives signed webhooks for the event types it subscribes to. Times are epoch milliseconds. */
@Entity('webhook_endpoints')
export class WebhookEndpointEntity {
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Column({ type: 'text' })
  url: string;

  @Column({ type: 'text', default: '' })
  description: string;

  /** JSON array of event types, or `["*"]`. */
  @Column({ type: 'text' })
  events: string;

  /** JSON object of extra request headers. */
  @Column({ type: 'text', default: '{}' })
  headers: string;

  @Column({ type: 'boolean', default: true })
  enabled: boolean;

  /** Created from WEBHOOK_URL. */
  @Column({ name: 'is_default', type: 'boolean', default: false })
  isDefault: boolean;

  @Column({ type: 'text' })
  secret: string;

  @Column({ name: 'previous_secret', type: 'text', nullable: true })
  previousSecret: string | null;

  @Column({ name: 'previous_secret_expires_at', type: 'integer', nullable: true })
  previousSecretExpiresAt: number | null;

  @Column({ name: 'disabled_reason', type: 'text', nullable: true })
  disabledReason: EndpointDisabledReason | null;

  @Column({ name: 'disabled_at', type: 'integer', nullable: true })
  disabledAt: number | null;

  /** Time of the first failure since the last success; null while healthy. */
  @Column({ name: 'failing_since', type: 'integer', nullable: true })
  failingSince: number | null;

  @Column({ name: 'created_at', type: 'integer' })
  createdAt: number;

  @Column({ name: 'updated_at', type: 'integer' })
  updatedAt: number;
}
