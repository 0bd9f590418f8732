import { ApiPropertyOptional, ApiProperty } from '@nestjs/swagger';
import { PageQuery } from '../../common/dto/page.query';
import { IsIn, IsISO8601, IsOptional, IsString, MaxLength } from 'class-validator';
import { MessageView } from '../message.view';

export class ListMessagesQuery extends PageQuery {
  @ApiPropertyOptional({ example: '6281234567890', description: 'Chat: digits or a JID' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  chat?: string;

  @ApiPropertyOptional({ enum: ['in', 'out'] })
  @IsOptional()
  @IsIn(['in', 'out'])
  direction?: 'in' | 'out';

  @ApiPropertyOptional({
    enum: ['queued', 'sending', 'sent', 'delivered', 'read', 'played', 'failed', 'received'],
  })
  @IsOptional()
  @IsIn(['queued', 'sending', 'sent', 'delivered', 'read', 'played', 'failed', 'received'])
  status?: string;

  @ApiPropertyOptional({ example: '2026-11-01T00:00:00Z', description: 'Created at or after (ISO 8601)' })
  @IsOptional()
  @IsISO8601()
  since?: string;

  @ApiPropertyOptional({ example: '2026-12-01T00:00:00Z', description: 'Created before (ISO 8601)' })
  @IsOptional()
  @IsISO8601()
  until?: string;
}

export class MessagePage {
  @ApiProperty({ type: MessageView, isArray: true, description: 'Newest first' }) items: MessageView[];
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `cursor` for the next (older) page; null at the end',
  })
  nextCursor: string | null;
}

export function encodeCursor(seq: number): string {
  return Buffer.from(`s${seq}`).toString('base64url');
}

export function decodeCursor(cursor: string): number | null {
  const m = /^s(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString());
  return m ? Number(m[1]) : null;
}
