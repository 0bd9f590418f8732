import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateIf,
} from 'class-validator';

/** What a simulated contact sends (named apart from the vCard message DTO of the send API). */
export class SandboxContactMessageDto {
  @ApiProperty({ example: 'ping', description: 'The text the contact sends (or the caption of its image)' })
  @IsString()
  @MinLength(1)
  @MaxLength(4096)
  text: string;

  @ApiPropertyOptional({ example: 'default', description: 'The session (linked account) that receives it' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'session must be a session id' })
  session?: string;

  @ApiPropertyOptional({ example: 'Budi', description: "The contact's WhatsApp display name" })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  pushName?: string;

  @ApiPropertyOptional({
    enum: ['text', 'image'],
    description: '`image` sends a small picture with `text` as caption',
  })
  @IsOptional()
  @Matches(/^(text|image)$/, { message: 'kind must be "text" or "image"' })
  kind?: 'text' | 'image';

  @ApiPropertyOptional({
    enum: ['pn', 'lid'],
    description:
      '`lid`: the message names the contact by its LID only (`from=<lid>@lid`), as WhatsApp increasingly ' +
      'does, so the gateway does not learn the phone number from it; default `pn`',
  })
  @IsOptional()
  @IsIn(['pn', 'lid'])
  addressing?: 'pn' | 'lid';

  @ApiPropertyOptional({
    example: true,
    description:
      'With `addressing: lid`: the message also carries the phone number (`sender_pn`), as WhatsApp sends ' +
      'the LID ↔ phone mapping along with a message',
  })
  @IsOptional()
  @IsBoolean()
  senderPn?: boolean;
}

export class ProfilePictureDto {
  @ApiProperty({ example: true, description: 'true: a (new) profile picture; false: none' })
  @IsBoolean()
  picture: boolean;
}

export class ProfilePictureSetView {
  @ApiProperty({ example: '6281234567890' }) phone: string;
  @ApiProperty({ example: true }) picture: boolean;
}

export class ScanDto {
  @ApiPropertyOptional({
    example: '6280000000001',
    description:
      'The simulated phone (account) that scans; default: the same number every time for the session ' +
      '(`6280000000001` for `default`)',
  })
  @IsOptional()
  @Matches(/^[1-9]\d{7,14}$/, { message: 'phone must be 8-15 digits with country code, e.g. 6280000000001' })
  @Matches(/^(?!999)/, { message: 'phone: numbers starting with 999 are not on WhatsApp in the sandbox' })
  phone?: string;

  @ApiPropertyOptional({
    example: 'Toko Budi',
    description: "The account's WhatsApp display name (new accounts)",
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  pushName?: string;
}

export class ScanResultView {
  @ApiProperty({ example: 'default' }) session: string;
  @ApiProperty({ example: '6280000000001', description: 'The simulated phone number now linked' })
  phone: string;
  @ApiProperty({ example: '100000000000001@lid' }) lid: string;
  @ApiProperty({
    example: 'connected',
    description:
      'The session status when the call returns: `connected` once the linked device has logged in (the call ' +
      'waits up to WA_CONNECT_TIMEOUT_MS for it)',
  })
  status: string;
}

/** What a simulated contact does to an earlier message. */
export class SandboxContactChangeDto {
  @ApiProperty({
    enum: ['edit', 'revoke', 'react', 'vote'],
    description:
      '`edit` / `revoke`: a message the contact sent; `react`: any message of the chat; `vote`: a poll the ' +
      'contact received',
  })
  @IsIn(['edit', 'revoke', 'react', 'vote'])
  action: 'edit' | 'revoke' | 'react' | 'vote';

  @ApiProperty({
    example: '3EB0A1B2C3D4E5F6',
    description: 'WhatsApp id of the message (the poll, for `vote`)',
  })
  @IsString()
  @Matches(/^[A-Za-z0-9]{8,64}$/, { message: 'messageId must be a WhatsApp message id (letters and digits)' })
  messageId: string;

  @ApiPropertyOptional({ example: 'pong (edited)', description: '`edit`: the new text' })
  @ValidateIf((o: SandboxContactChangeDto) => o.action === 'edit')
  @IsString()
  @MinLength(1)
  @MaxLength(4096)
  text?: string;

  @ApiPropertyOptional({ example: '👍', description: '`react`: the emoji; empty removes the reaction' })
  @ValidateIf((o: SandboxContactChangeDto) => o.action === 'react')
  @IsString()
  @MaxLength(16)
  emoji?: string;

  @ApiPropertyOptional({
    type: [String],
    example: ['Monday'],
    description: "`vote`: the options' names (a new vote replaces the contact's last; empty withdraws it)",
  })
  @ValidateIf((o: SandboxContactChangeDto) => o.action === 'vote')
  @IsArray()
  @ArrayMaxSize(12)
  @ArrayUnique()
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  options?: string[];

  @ApiPropertyOptional({ example: 'default', description: 'The session (linked account) the chat is with' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'session must be a session id' })
  session?: string;
}

export class SentByContactView {
  @ApiProperty({ example: '3EB0A1B2C3D4E5F6' }) id: string;
  @ApiProperty({ example: '6281234567890' }) from: string;
  @ApiProperty({ example: '6280000000001' }) to: string;
}

export class ContactReceivedView {
  @ApiProperty({ example: '3EB0A1B2C3D4E5F6' }) id: string;
  @ApiProperty({ example: '6280000000001', description: 'The linked account that sent it' }) from: string;
  @ApiProperty({ example: 'text' }) kind: string;
  @ApiPropertyOptional({ example: 'Hello' }) text?: string;
  @ApiPropertyOptional() caption?: string;
  @ApiPropertyOptional() fileName?: string;
  @ApiPropertyOptional() mimetype?: string;
  @ApiPropertyOptional() latitude?: number;
  @ApiPropertyOptional() longitude?: number;
  @ApiPropertyOptional() quotedId?: string;
  @ApiPropertyOptional({
    type: 'object',
    properties: { text: { type: 'string', example: '👍' }, targetId: { type: 'string' } },
  })
  reaction?: { text: string; targetId: string };
  @ApiPropertyOptional({
    type: 'object',
    description: "A poll: question, options, how many may be chosen (its secret is the contact's own)",
    properties: {
      question: { type: 'string', example: 'Which day suits you?' },
      options: { type: 'array', items: { type: 'string' }, example: ['Monday', 'Tuesday'] },
      selectableCount: { type: 'integer', example: 1 },
    },
  })
  poll?: { question: string; options: string[]; selectableCount: number };
  @ApiPropertyOptional({ format: 'date-time', description: 'The account edited it: `text` is the new text' })
  editedAt?: string;
  @ApiPropertyOptional({
    type: 'array',
    description: 'The earlier texts, oldest first',
    items: { type: 'object', properties: { text: { type: 'string' }, at: { type: 'string' } } },
  })
  edits?: { text: string; at: string }[];
  @ApiPropertyOptional({
    format: 'date-time',
    description: 'The account deleted it for everyone (text gone)',
  })
  revokedAt?: string;
  @ApiProperty({ example: '2026-11-25T10:00:00.000Z' }) at: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) deliveredAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) readAt: string | null;
  @ApiProperty({
    example: 1,
    description: 'How often this message id reached the contact (a resent id is kept once, as WhatsApp does)',
  })
  timesReceived: number;
}

export class MinVersionDto {
  @ApiProperty({
    example: '2.3000.1099999999',
    nullable: true,
    type: String,
    description:
      'Refuse clients older than this WhatsApp Web version (405 at login, as WhatsApp does); null = any',
  })
  @ValidateIf((o: MinVersionDto) => o.version !== null)
  @Matches(/^\d{1,4}\.\d{1,6}\.\d{1,12}$/, {
    message: 'version must look like 2.3000.1023456789, or be null',
  })
  version: string | null;
}

export class MinVersionView {
  @ApiProperty({ example: '2.3000.1099999999', nullable: true, type: String }) minVersion: string | null;
}

/** How the sandbox's media host answers for the file of a contact's message. */
export class MediaRefusalDto {
  @ApiProperty({
    enum: [404, 410],
    nullable: true,
    example: 410,
    description:
      'Answer this status for the file (as WhatsApp does once it dropped it); null serves it again',
  })
  @ValidateIf((o: MediaRefusalDto) => o.status !== null)
  @IsIn([404, 410], { message: 'status must be 404, 410 or null' })
  status: 404 | 410 | null;
}

export class MediaRefusalView {
  @ApiProperty({ example: '3EB0C431C26A1916E3F6' }) id: string;
  @ApiProperty({ enum: [404, 410], nullable: true }) status: 404 | 410 | null;
  @ApiProperty({ description: 'Whether the file is on the media host yet (false: applies once it is sent)' })
  stored: boolean;
}

export const CONTACT_PRESENCE_STATES = ['typing', 'recording', 'paused', 'available', 'unavailable'] as const;

export class ContactPresenceDto {
  @ApiProperty({
    enum: CONTACT_PRESENCE_STATES,
    example: 'typing',
    description: 'A chat state (typing, recording, paused) or the contact going online or offline',
  })
  @IsIn(CONTACT_PRESENCE_STATES, { message: `state must be one of ${CONTACT_PRESENCE_STATES.join(', ')}` })
  state: (typeof CONTACT_PRESENCE_STATES)[number];

  @ApiPropertyOptional({ example: 'default', description: 'The session (linked account) that sees it' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'session must be a session id' })
  session?: string;
}

export class ContactPresenceResultView {
  @ApiProperty({ example: '6281234567890' }) from: string;
  @ApiProperty({ example: '6280000000001' }) to: string;
  @ApiProperty({ example: 'typing' }) state: string;
  @ApiProperty({
    example: 1,
    description:
      "How many of the account's connections got it: WhatsApp forwards a contact's presence only to " +
      'connections that subscribed to it (POST /api/sessions/{session}/presence/subscribe)',
  })
  delivered: number;
}

export class ContactSentView {
  @ApiProperty({ example: '3EB0A1B2C3D4E5F6' }) id: string;
  @ApiProperty({ example: '6280000000001', description: 'The linked account it was sent to' }) to: string;
  @ApiProperty({ example: '2026-11-25T10:00:00.000Z' }) at: string;
  @ApiPropertyOptional({ example: 'Hello' }) text?: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) deliveredAt: string | null;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When the account sent its read receipt',
  })
  readAt: string | null;
}

export class ContactChatStateView {
  @ApiProperty({ example: '6280000000001', description: 'The linked account that sent it' }) from: string;
  @ApiProperty({ enum: ['typing', 'recording', 'paused'], example: 'typing' }) state: string;
  @ApiProperty({ example: '2026-11-25T10:00:00.000Z' }) at: string;
}

export class ContactRecordView {
  @ApiProperty({ example: '6281234567890' }) phone: string;
  @ApiProperty({ example: '200000000000001@lid', description: 'Empty for a contact the sandbox never met' })
  lid: string;
  @ApiProperty({ type: ContactSentView, isArray: true, description: 'What the contact sent, oldest first' })
  sent: ContactSentView[];
  @ApiProperty({
    type: ContactChatStateView,
    isArray: true,
    description: 'Chat states the accounts sent the contact, oldest first',
  })
  chatStates: ContactChatStateView[];
  @ApiProperty({ enum: ['available', 'unavailable'], nullable: true, type: String, example: 'unavailable' })
  presence: string | null;
  @ApiProperty({ type: String, isArray: true, example: [], description: 'The accounts that blocked it' })
  blockedBy: string[];
  @ApiProperty({ example: false, description: 'Whether it has a profile picture' })
  hasPicture: boolean;
}
