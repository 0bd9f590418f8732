import { ApiProperty } from '@nestjs/swagger';

export const BIN_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const INSPECTOR_PATH = '/api/sandbox/webhook-inspector';

export class SignatureCheckView {
  @ApiProperty({ example: true }) valid: boolean;
  @ApiProperty({ enum: ['valid', 'invalid', 'unsigned', 'no_endpoint'], example: 'valid' }) status: string;
  @ApiProperty({ type: String, nullable: true, example: 'we_3f2a9c0d4b5e4f6a8b7c9d0e1f2a3b4c' })
  endpointId: string | null;
  @ApiProperty({ example: 'Signed with the secret of we_3f2a9c0d4b5e4f6a8b7c9d0e1f2a3b4c' }) detail: string;
}

export class InspectedRequestView {
  @ApiProperty({ example: 'req_mi5x0k2p0001' }) id: string;
  @ApiProperty({ example: 'default' }) bin: string;
  @ApiProperty({ type: String, format: 'date-time', example: '2026-11-25T10:00:00.000Z' }) receivedAt: string;
  @ApiProperty({ example: 'POST' }) method: string;
  @ApiProperty({ type: String, nullable: true, example: 'application/json' }) contentType: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'message.received' }) eventType: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'evt_01hx2q3w4e5r6t7y8u9i0o' }) webhookId:
    string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { 'content-type': 'application/json', 'webhook-id': 'evt_01hx2q3w4e5r6t7y8u9i0o' },
  })
  headers: Record<string, string>;
  @ApiProperty({ example: '{"id":"evt_01hx2q3w4e5r6t7y8u9i0o","type":"message.received"}' }) body: string;
  @ApiProperty({ example: 512 }) bodyBytes: number;
  @ApiProperty({ example: false, description: 'The body was longer than the 64 KiB kept' })
  truncated: boolean;
  @ApiProperty({ type: SignatureCheckView }) signature: SignatureCheckView;
}

export class InspectorBinView {
  @ApiProperty({ example: 'default' }) bin: string;
  @ApiProperty({
    example: 'http://localhost:5000/api/sandbox/webhook-inspector/default',
    description: 'Register this URL as a webhook endpoint',
  })
  url: string;
  @ApiProperty({
    type: [String],
    example: ['we_3f2a9c0d4b5e4f6a8b7c9d0e1f2a3b4c'],
    description: 'The webhook endpoints that deliver to this URL (their secrets check the signatures)',
  })
  endpointIds: string[];
  @ApiProperty({ type: [InspectedRequestView], description: 'Newest first' })
  requests: InspectedRequestView[];
}

export class InspectorReceivedView {
  @ApiProperty({ example: true }) received: boolean;
  @ApiProperty({ example: 'req_mi5x0k2p0001' }) id: string;
}

export class InspectorClearedView {
  @ApiProperty({ example: 3 }) cleared: number;
}
