import { ApiProperty } from '@nestjs/swagger';

export class MessageCounts {
  @ApiProperty({ example: 120, description: 'Incoming messages' }) in: number;
  @ApiProperty({ example: 80, description: 'Outgoing messages (every status)' }) out: number;
  @ApiProperty({
    example: 76,
    description: 'Outgoing messages the server took: sent, delivered, read or played',
  })
  sent: number;
  @ApiProperty({ example: 70, description: 'Outgoing messages delivered, read or played' }) delivered: number;
  @ApiProperty({ example: 41, description: 'Outgoing messages read or played' }) read: number;
  @ApiProperty({ example: 2, description: 'Outgoing messages that failed' }) failed: number;
  @ApiProperty({ example: 2, description: 'Outgoing messages still queued or sending' }) pending: number;
  @ApiProperty({
    type: Number,
    example: 0.921,
    nullable: true,
    description: 'delivered / sent; null when nothing was sent',
  })
  deliveryRate: number | null;
  @ApiProperty({
    type: Number,
    example: 0.539,
    nullable: true,
    description: 'read / sent; null when nothing was sent',
  })
  readRate: number | null;
}

export class WebhookAttemptStats {
  @ApiProperty({ example: 200, description: 'HTTP attempts started' }) attempts: number;
  @ApiProperty({ example: 196, description: 'Attempts answered with a 2xx' }) succeeded: number;
  @ApiProperty({
    type: Number,
    example: 0.98,
    nullable: true,
    description: 'succeeded / attempts; null without attempts',
  })
  successRate: number | null;
  @ApiProperty({
    type: Number,
    example: 50,
    nullable: true,
    description: 'Median attempt duration (ms), as the upper bound of its histogram bucket',
  })
  p50Ms: number | null;
  @ApiProperty({
    type: Number,
    example: 250,
    nullable: true,
    description: '95th percentile attempt duration (ms), likewise',
  })
  p95Ms: number | null;
}

export class StatsBucketView {
  @ApiProperty({ example: '2026-12-01T10:00:00.000Z', description: 'Start of the bucket (UTC)' })
  start: string;
  @ApiProperty({ type: MessageCounts }) messages: MessageCounts;
  @ApiProperty({ type: WebhookAttemptStats }) webhooks: WebhookAttemptStats;
}

export class FailureReason {
  @ApiProperty({ example: 'recipient is not on WhatsApp' }) reason: string;
  @ApiProperty({ example: 2 }) count: number;
}

export class WebhookDeliveryStats {
  @ApiProperty({ example: 98 }) delivered: number;
  @ApiProperty({ example: 1 }) failed: number;
  @ApiProperty({ example: 1, description: 'Pending or being delivered' }) pending: number;
  @ApiProperty({
    type: Number,
    example: 0.99,
    nullable: true,
    description: 'delivered / (delivered + failed)',
  })
  successRate: number | null;
}

export class QueueDepth {
  @ApiProperty({ example: 'default' }) session: string;
  @ApiProperty({ example: 3, description: 'Outgoing messages queued or sending now' }) depth: number;
}

export class StatsTotals {
  @ApiProperty({ type: MessageCounts }) messages: MessageCounts;
  @ApiProperty({ type: FailureReason, isArray: true, description: 'Most frequent first' })
  failureReasons: FailureReason[];
  @ApiProperty({ type: WebhookAttemptStats }) webhooks: WebhookAttemptStats;
  @ApiProperty({ type: WebhookDeliveryStats }) webhookDeliveries: WebhookDeliveryStats;
}

export class StatsView {
  @ApiProperty({ example: '2026-12-01T10:00:00.000Z', description: 'Start of the window (UTC, inclusive)' })
  from: string;
  @ApiProperty({ example: '2026-12-02T11:00:00.000Z', description: 'End of the window (UTC, exclusive)' })
  to: string;
  @ApiProperty({ enum: ['hour', 'day'] }) bucket: 'hour' | 'day';
  @ApiProperty({
    type: String,
    example: 'default',
    nullable: true,
    description: 'The session filter; null = every session',
  })
  session: string | null;
  @ApiProperty({
    type: StatsBucketView,
    isArray: true,
    description: 'Every bucket of the window, oldest first',
  })
  buckets: StatsBucketView[];
  @ApiProperty({ type: StatsTotals }) totals: StatsTotals;
  @ApiProperty({
    type: QueueDepth,
    isArray: true,
    description: 'Now, per session (not limited to the window)',
  })
  queue: QueueDepth[];
}
