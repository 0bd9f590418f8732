import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  MaxLength,
} from 'class-validator';
import { MASKED_HEADER_VALUE, maskHeaders } from '../custom-headers';
import { SUBSCRIBABLE_EVENTS } from '../event-filter';
import type { WebhookEndpointEntity } from '../webhook-endpoint.entity';

const URL_OPTIONS = { protocols: ['http', 'https'], require_protocol: true, require_tld: false };

export class CreateEndpointDto {
  @ApiProperty({ example: 'https://example.com/hooks/whatsapp', maxLength: 2048 })
  @IsUrl(URL_OPTIONS, { message: 'url must be an http(s) URL' })
  @MaxLength(2048)
  url: string;

  @ApiPropertyOptional({
    type: [String],
    enum: SUBSCRIBABLE_EVENTS,
    example: ['message.received', 'message.status'],
    default: ['*'],
    description: 'Event types to receive; ["*"] = all',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(SUBSCRIBABLE_EVENTS.length)
  @ArrayUnique()
  @IsIn(SUBSCRIBABLE_EVENTS as unknown as string[], {
    each: true,
    message: `events must contain only: ${SUBSCRIBABLE_EVENTS.join(', ')}`,
  })
  events?: string[];

  @ApiPropertyOptional({ example: 'CRM integration', maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;

  @ApiPropertyOptional({ example: true, default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { Authorization: 'Bearer receiver-token' },
    description: 'Extra headers sent with every delivery (not webhook-*, content-type or host)',
  })
  @IsOptional()
  @IsObject()
  headers?: Record<string, string>;

  @ApiPropertyOptional({
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    description: 'Signing secret to use (whsec_ + base64 of 24 to 64 bytes); generated when omitted',
  })
  @IsOptional()
  @Matches(/^whsec_[A-Za-z0-9+/]{32,88}={0,2}$/, {
    message: 'secret must be "whsec_" followed by 24 to 64 bytes of base64',
  })
  secret?: string;
}

export class UpdateEndpointDto {
  @ApiPropertyOptional({ example: 'https://example.com/hooks/whatsapp-v2', maxLength: 2048 })
  @IsOptional()
  @IsUrl(URL_OPTIONS, { message: 'url must be an http(s) URL' })
  @MaxLength(2048)
  url?: string;

  @ApiPropertyOptional({ type: [String], enum: SUBSCRIBABLE_EVENTS, example: ['*'] })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(SUBSCRIBABLE_EVENTS.length)
  @ArrayUnique()
  @IsIn(SUBSCRIBABLE_EVENTS as unknown as string[], {
    each: true,
    message: `events must contain only: ${SUBSCRIBABLE_EVENTS.join(', ')}`,
  })
  events?: string[];

  @ApiPropertyOptional({ example: 'CRM integration (v2)', maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;

  @ApiPropertyOptional({ example: true, description: 'true re-enables an endpoint the gateway disabled' })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { Authorization: 'Bearer receiver-token' },
    description:
      `Replaces all custom headers. A value sent as "${MASKED_HEADER_VALUE}" (as the API shows it) keeps that ` +
      "header's stored value",
  })
  @IsOptional()
  @IsObject()
  headers?: Record<string, string>;
}

export class EndpointResponse {
  @ApiProperty({ example: 'we_3f9c2a7d1b8e4c6a9d0e1f2a3b4c5d6e' }) id: string;
  @ApiProperty({ example: 'https://example.com/hooks/whatsapp' }) url: string;
  @ApiProperty({ example: 'CRM integration' }) description: string;
  @ApiProperty({ type: [String], example: ['message.received', 'message.status'] }) events: string[];
  @ApiProperty({ example: true }) enabled: boolean;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { Authorization: MASKED_HEADER_VALUE },
    description: `Custom header names; every value shows as "${MASKED_HEADER_VALUE}" (values are never returned)`,
  })
  headers: Record<string, string>;
  @ApiProperty({ example: false, description: 'Created from WEBHOOK_URL' }) isDefault: boolean;
  @ApiProperty({
    enum: ['manual', 'gone', 'failing'],
    nullable: true,
    example: null,
    description: 'Why it is disabled: by you, because it answered 410 Gone, or because it kept failing',
  })
  disabledReason: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: null }) disabledAt:
    string | null;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    example: null,
    description: 'First failure since the last success',
  })
  failingSince: string | null;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    example: null,
    description: 'Until then, deliveries are also signed with the secret before the last rotation',
  })
  previousSecretExpiresAt: string | null;
  @ApiProperty({ example: '2026-11-25T10:00:00.000Z' }) createdAt: string;
  @ApiProperty({ example: '2026-11-25T10:00:00.000Z' }) updatedAt: string;
}

export class EndpointCreatedResponse extends EndpointResponse {
  @ApiProperty({
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwJ6xvTAZbBnU=',
    description: 'The signing secret: shown only here and by rotate-secret',
  })
  secret: string;
}

export class SecretResponse {
  @ApiProperty({ example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwJ6xvTAZbBnU=' }) secret: string;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    example: '2026-11-26T10:00:00.000Z',
    description: 'The old secret keeps signing (a second signature) until then',
  })
  previousSecretExpiresAt: string | null;
}

const iso = (ms: number | null) => (ms == null ? null : new Date(ms).toISOString());

export function toEndpointResponse(e: WebhookEndpointEntity, now = Date.now()): EndpointResponse {
  return {
    id: e.id,
    url: e.url,
    description: e.description,
    events: JSON.parse(e.events),
    enabled: !!e.enabled,
    headers: maskHeaders(JSON.parse(e.headers) as Record<string, string>),
    isDefault: !!e.isDefault,
    disabledReason: e.enabled ? null : e.disabledReason,
    disabledAt: e.enabled ? null : iso(e.disabledAt),
    failingSince: iso(e.failingSince),
    previousSecretExpiresAt:
      e.previousSecretExpiresAt && e.previousSecretExpiresAt > now ? iso(e.previousSecretExpiresAt) : null,
    createdAt: iso(e.createdAt) as string,
    updatedAt: iso(e.updatedAt) as string,
  };
}
