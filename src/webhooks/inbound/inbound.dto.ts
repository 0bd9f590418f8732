import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import type { InboundWebhookEntity } from './inbound-webhook.entity';

/** The seed's inbound webhook body. */
export class InboundWebhookDto {
  @ApiProperty({ example: '6281234567890', maxLength: 128 })
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  from: string;

  @ApiProperty({ example: 'Hello API', maxLength: 65536 })
  @IsString()
  @MaxLength(65536)
  message: string;

  @ApiPropertyOptional({ example: 1623456789, description: 'Unix time in seconds' })
  @IsOptional()
  @IsInt({ message: 'timestamp must be a Unix time in whole seconds' })
  @Min(0)
  @Max(99_999_999_999)
  timestamp?: number;
}

export class InboundAcceptedResponse {
  @ApiProperty({ example: 'success' }) status: 'success';
  @ApiProperty({ example: 'Webhook received' }) message: string;
}

export class InboundWebhookResponse {
  @ApiProperty({ example: 'inb_6c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f' }) id: string;
  @ApiProperty({ example: '6281234567890' }) from: string;
  @ApiProperty({ example: 'Hello API' }) message: string;
  @ApiProperty({ type: Number, example: 1623456789, nullable: true }) timestamp: number | null;
  @ApiProperty({ enum: ['standard-webhooks', 'hub-signature', 'api-key'] }) verifiedBy: string;
  @ApiProperty({ example: '2026-11-25T10:00:00.000Z' }) receivedAt: string;
}

export class InboundListResponse {
  @ApiProperty({ type: [InboundWebhookResponse] }) items: InboundWebhookResponse[];
  @ApiProperty({
    type: String,
    nullable: true,
    example: '42',
    description: 'Pass as cursor for the next (older) page',
  })
  nextCursor: string | null;
}

export class ListInboundQuery {
  @ApiPropertyOptional({ example: 50, default: 50, minimum: 1, maximum: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({ example: '42' })
  @IsOptional()
  @Matches(/^\d{1,15}$/, { message: 'cursor must be a nextCursor value from a previous page' })
  cursor?: string;
}

export function toInboundResponse(e: InboundWebhookEntity): InboundWebhookResponse {
  return {
    id: e.id,
    from: e.from,
    message: e.message,
    timestamp: e.timestamp,
    verifiedBy: e.verifiedBy,
    receivedAt: new Date(e.receivedAt).toISOString(),
  };
}
