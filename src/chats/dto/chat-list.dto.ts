import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { ListMessagesQuery } from '../../messaging/dto/list-messages.query';

export class ListChatsQuery {
  @ApiPropertyOptional({ example: 50, description: '1-200, default 50' })
  @IsOptional()
  @Transform(({ value }) => (/^\d+$/.test(String(value)) ? Number(value) : value))
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'cursor must be a nextCursor value from a previous page' })
  cursor?: string;

  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description: 'true: only chats with unread incoming messages',
  })
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'unread must be true or false' })
  unread?: 'true' | 'false';
}

/** The chat's messages: the history's filters but the chat, which is in the path. */
export class ChatMessagesQuery extends OmitType(ListMessagesQuery, ['chat'] as const) {}

export class ChatLastMessageView {
  @ApiProperty({ example: 'msg_mx61s45n301e137eee7f41e3' }) id: string;
  @ApiProperty({ type: String, nullable: true, example: '3EB0C431C26A1916E3F6' }) waMessageId: string | null;
  @ApiProperty({ enum: ['in', 'out'] }) direction: 'in' | 'out';
  @ApiProperty({ example: false }) fromMe: boolean;
  @ApiProperty({ example: 'text' }) type: string;
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'Is my order on its way?',
    description: 'The text or caption, cut to 120 characters (… at the end when cut)',
  })
  preview: string | null;
  @ApiProperty({ example: 'received', description: 'As in the message history' }) status: string;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: "WhatsApp's timestamp of the message",
  })
  timestamp: string | null;
  @ApiProperty({ example: '2026-11-25T10:00:00.000Z', description: 'When it entered the history' })
  createdAt: string;
}

export class ChatView {
  @ApiProperty({ example: '6281234567890@s.whatsapp.net' }) chat: string;
  @ApiProperty({ enum: ['direct', 'group', 'broadcast', 'newsletter'] }) chatType: string;
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'Budi',
    description:
      "The chat's name from WhatsApp's sync, else the name the contact gave itself; null if unknown",
  })
  name: string | null;
  @ApiProperty({
    example: '2026-11-25T10:00:00.000Z',
    description: 'When its newest message entered the history (the list is newest first)',
  })
  lastActivityAt: string;
  @ApiProperty({ type: ChatLastMessageView }) lastMessage: ChatLastMessageView;
  @ApiProperty({
    example: 2,
    description: 'Incoming messages not marked read yet (POST .../chats/:chatId/read marks them)',
  })
  unreadCount: number;
  @ApiProperty({
    type: Boolean,
    nullable: true,
    example: null,
    description: 'From WhatsApp; null if unknown',
  })
  archived: boolean | null;
  @ApiProperty({
    type: Boolean,
    nullable: true,
    example: null,
    description: 'From WhatsApp; null if unknown',
  })
  pinned: boolean | null;
  @ApiProperty({
    type: Boolean,
    nullable: true,
    example: null,
    description: 'From WhatsApp; null if unknown',
  })
  muted: boolean | null;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    example: null,
    description: 'Muted until then (null: not muted, unknown, or muted with no end)',
  })
  mutedUntil: string | null;
}

export class ChatPageView {
  @ApiProperty({ type: ChatView, isArray: true, description: 'Newest activity first' }) items: ChatView[];
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'dzU2NzguMTIzNA',
    description:
      'Pass as `cursor` for the next (older) page; null at the end. A walk through the pages keeps the order ' +
      'of its first page: no chat twice, none skipped, while messages arrive',
  })
  nextCursor: string | null;
}
