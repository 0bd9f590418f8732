import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import type { SessionRuntime } from '../sessions/session-runtime';

export const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export class CreateSessionDto {
  @ApiProperty({ example: 'sales', description: 'Letters, digits, "-" and "_", at most 64 characters' })
  @IsString()
  @Matches(SESSION_ID_PATTERN, { message: 'id must be 1-64 letters, digits, "-" or "_"' })
  id: string;
}

export class PairingCodeDto {
  @ApiProperty({
    example: '6281234567890',
    description: 'The phone number to link: digits with country code',
  })
  @IsString()
  @Matches(/^\d{8,15}$/, { message: 'phone must be 8-15 digits with country code, no "+" or spaces' })
  phone: string;
}

export class SessionView {
  @ApiProperty({ example: 'default' }) id: string;
  @ApiProperty({ enum: ['starting', 'qr_ready', 'connected', 'disconnected', 'logged_out'] }) status: string;
  @ApiProperty() connected: boolean;
  @ApiProperty({ type: String, example: '6281234567890', nullable: true }) phone: string | null;
  @ApiProperty({ type: String, example: 'Toko Budi', nullable: true }) name: string | null;
  @ApiProperty({ type: String, example: '100000000000001@lid', nullable: true }) lid: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Current QR string while waiting for a scan' })
  qr: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    example: null,
    description: 'Why the session is not connected',
  })
  reason: string | null;
  @ApiProperty({
    example: false,
    description: 'Stopped on request (POST .../stop); stays closed until started',
  })
  stopped: boolean;
  @ApiProperty({ example: 0, description: 'Messages waiting in the send queue' }) queueDepth: number;
  @ApiProperty({
    example: 'n1',
    nullable: true,
    type: String,
    description:
      'In a cluster, the node that runs the session (null while it has no live owner); null on SQLite',
  })
  owner: string | null;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
}

export function toSessionView(rt: SessionRuntime, queueDepth = 0, owner: string | null = null): SessionView {
  return {
    id: rt.id,
    status: rt.status,
    connected: rt.status === 'connected',
    phone: rt.me?.phone ?? null,
    name: rt.me?.name ?? null,
    lid: rt.me?.lid ?? null,
    qr: rt.status === 'qr_ready' ? rt.qr : null,
    reason: rt.reason,
    stopped: rt.stopped,
    queueDepth,
    owner,
    createdAt: new Date(rt.createdAt).toISOString(),
    updatedAt: new Date(rt.updatedAt).toISOString(),
  };
}

export class QrView {
  @ApiProperty({ example: 'default' }) session: string;
  @ApiProperty({ example: '2@6ZenNHdEfCOXDU+iblDP4Xl4tmZ3X3qvW...', description: 'The raw QR string' })
  qr: string;
  @ApiProperty({ example: 'data:image/png;base64,iVBORw0KGgo...', description: 'The QR as a PNG data URL' })
  dataUrl: string;
}

export class PairingCodeView {
  @ApiProperty({
    example: 'ABCD1234',
    description: 'Type it on the phone: Linked devices > Link with phone number',
  })
  code: string;
  @ApiProperty({ example: '6281234567890' }) phone: string;
}
