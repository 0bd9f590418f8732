import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, Matches, Max, Min } from 'class-validator';
import { DELIVERY_STATUSES } from '../webhook-delivery.entity';

export class AttemptResponse {
  @ApiProperty({ example: 1 }) attempt: number;
  @ApiProperty({ example: '2026-11-25T10:00:00.000Z' }) startedAt: string;
  @ApiProperty({ example: 42 }) durationMs: number;
  @ApiProperty({ type: Number, nullable: true, example: 500, description: 'null when no answer came' })
  statusCode: number | null;
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'Internal Server Error',
    description: 'First 1000 characters',
  })
  response: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'HTTP 500' }) error: string | null;
  @ApiProperty({ example: false }) success: boolean;
}

export class DeliveryResponse {
  @ApiProperty({ example: 'whd_5a1f0c7e9b2d4e8f8a6c3b1d0e9f7a2c' }) id: string;
  @ApiProperty({ example: 'evt_0d6f3c1e2b9a4f7e8c5d1a2b3c4d5e6f', description: 'The webhook-id header' })
  eventId: string;
  @ApiProperty({ example: 'message.received' }) eventType: string;
  @ApiProperty({ example: 'we_3f9c2a7d1b8e4c6a9d0e1f2a3b4c5d6e' }) endpointId: string;
  @ApiProperty({ enum: DELIVERY_STATUSES, example: 'delivered' }) status: string;
  @ApiProperty({ example: 1 }) attempts: number;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    example: null,
    description: 'When a pending delivery is tried next',
  })
  nextAttemptAt: string | null;
  @ApiProperty({ type: Number, nullable: true, example: 200 }) lastStatusCode: number | null;
  @ApiProperty({ type: String, nullable: true, example: null }) lastError: string | null;
  @ApiProperty({ example: '2026-11-25T10:00:00.000Z' }) createdAt: string;
  @ApiProperty({ example: '2026-11-25T10:00:00.050Z' }) updatedAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: '2026-11-25T10:00:00.050Z' })
  deliveredAt: string | null;
  @ApiProperty({ type: [AttemptResponse] }) attemptLog: AttemptResponse[];
}

export class DeliveryListResponse {
  @ApiProperty({ type: [DeliveryResponse] }) items: DeliveryResponse[];
  @ApiProperty({
    type: String,
    nullable: true,
    example: '1520',
    description: 'Pass as cursor for the next (older) page',
  })
  nextCursor: string | null;
}

export class ListDeliveriesQuery {
  @ApiPropertyOptional({ enum: DELIVERY_STATUSES })
  @IsOptional()
  @IsIn(DELIVERY_STATUSES as unknown as string[], {
    message: `status must be one of: ${DELIVERY_STATUSES.join(', ')}`,
  })
  status?: string;

  @ApiPropertyOptional({ example: 50, default: 50, minimum: 1, maximum: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({ example: '1520', description: 'nextCursor of the previous page' })
  @IsOptional()
  @Matches(/^\d{1,15}$/, { message: 'cursor must be a nextCursor value from a previous page' })
  cursor?: string;
}

export class RecoverDto {
  @ApiProperty({
    example: '2026-11-25T00:00:00.000Z',
    description: 'Re-send failed deliveries, and events this endpoint missed, since then',
  })
  @IsISO8601({ strict: true }, { message: 'since must be an ISO 8601 date-time' })
  since: string;
}

export class RecoverResponse {
  @ApiProperty({ example: 3, description: 'Failed deliveries put back in the queue' }) requeued: number;
  @ApiProperty({
    example: 12,
    description: 'Deliveries created for events the endpoint missed (e.g. while disabled)',
  })
  created: number;
}
