import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageQuery } from '../../common/dto/page.query';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import type { ContactRow } from '../contact.store';

export class ListContactsQuery extends PageQuery {
  @ApiPropertyOptional({
    example: 'budi',
    description: 'Part of a name, push name or verified name (any case), of the phone number, or of the LID',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  search?: string;
}

export class ContactView {
  @ApiProperty({
    type: String,
    nullable: true,
    example: '6281234567890',
    description: 'Digits; null while unknown',
  })
  phone: string | null;
  @ApiProperty({ type: String, nullable: true, example: '6281234567890@s.whatsapp.net' })
  jid: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    example: '200000000000001@lid',
    description: "WhatsApp's privacy id of the person; null while unknown",
  })
  lid: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'Budi Kantor',
    description: "The name in the account's address book, when WhatsApp gives it",
  })
  name: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'Budi', description: 'The name the person chose' })
  pushName: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    example: null,
    description: 'A business account’s verified name',
  })
  verifiedName: string | null;
  @ApiProperty({ example: '2026-11-25T10:00:00.000Z' }) updatedAt: string;
}

export class ContactPage {
  @ApiProperty({ type: ContactView, isArray: true, description: 'In the order the people became known' })
  items: ContactView[];
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `cursor` for the next page; null at the end',
  })
  nextCursor: string | null;
}

export class ProfilePictureView {
  @ApiProperty({ example: 'default' }) session: string;
  @ApiProperty({ example: '6281234567890@s.whatsapp.net' }) jid: string;
  @ApiProperty({ example: 'https://pps.whatsapp.net/v/t61.24694-24/123_456_n.jpg?oh=…&oe=…' }) url: string;
}

export class BlockView {
  @ApiProperty({ example: 'default' }) session: string;
  @ApiProperty({ example: '6281234567890@s.whatsapp.net' }) jid: string;
  @ApiProperty({ example: true }) blocked: boolean;
}

export class BlockedPersonView {
  @ApiProperty({ type: String, nullable: true, example: '6281234567890' }) phone: string | null;
  @ApiProperty({ type: String, nullable: true, example: '6281234567890@s.whatsapp.net' }) jid: string | null;
  @ApiProperty({ type: String, nullable: true, example: '200000000000001@lid' }) lid: string | null;
}

export class BlocklistView {
  @ApiProperty({ example: 'default' }) session: string;
  @ApiProperty({ type: BlockedPersonView, isArray: true }) items: BlockedPersonView[];
}

export function toContactView(r: ContactRow): ContactView {
  return {
    phone: r.phone,
    jid: r.phone ? `${r.phone}@s.whatsapp.net` : null,
    lid: r.lid,
    name: r.name,
    pushName: r.pushName,
    verifiedName: r.verifiedName,
    updatedAt: new Date(r.updatedAt).toISOString(),
  };
}

export function encodeContactCursor(seq: number): string {
  return Buffer.from(`c${seq}`).toString('base64url');
}

export function decodeContactCursor(cursor: string): number | null {
  const m = /^c(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString());
  return m ? Number(m[1]) : null;
}
