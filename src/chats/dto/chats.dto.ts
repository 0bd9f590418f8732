import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

export class MarkReadDto {
  @ApiPropertyOptional({
    example: 'msg_mx61s45n301e137eee7f41e3',
    description:
      'Mark only up to and including this message (our `msg_` id or the WhatsApp id); default: every unread one',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  upTo?: string;
}

export class ChatReadView {
  @ApiProperty({ example: 'default' }) session: string;
  @ApiProperty({ example: '6281234567890@s.whatsapp.net' }) chat: string;
  @ApiProperty({ example: 2, description: 'How many messages were marked read now' }) count: number;
  @ApiProperty({
    type: String,
    isArray: true,
    example: ['msg_mx61s45n301e137eee7f41e3', 'msg_mx61s4c0a01e137eee7f41e4'],
    description: 'Our ids of the messages marked read, oldest first',
  })
  ids: string[];
  @ApiProperty({
    type: String,
    isArray: true,
    example: ['3EB0C431C26A1916E3F6', '3EB0C431C26A1916E3F7'],
    description: 'Their WhatsApp ids, in the same order',
  })
  waMessageIds: string[];
}

export const CHAT_STATES = ['typing', 'recording', 'paused'] as const;
export const OWN_PRESENCES = ['available', 'unavailable'] as const;

export class ChatPresenceDto {
  @ApiProperty({
    enum: CHAT_STATES,
    example: 'typing',
    description: '`typing`, `recording` (a voice note) or `paused` (stopped typing)',
  })
  @IsIn(CHAT_STATES, { message: `state must be one of ${CHAT_STATES.join(', ')}` })
  state: (typeof CHAT_STATES)[number];
}

export class ChatPresenceView {
  @ApiProperty({ example: 'default' }) session: string;
  @ApiProperty({ example: '6281234567890@s.whatsapp.net' }) chat: string;
  @ApiProperty({ enum: CHAT_STATES, example: 'typing' }) state: string;
}

export class OwnPresenceDto {
  @ApiProperty({ enum: OWN_PRESENCES, example: 'available', description: 'Online or offline' })
  @IsIn(OWN_PRESENCES, { message: `state must be one of ${OWN_PRESENCES.join(', ')}` })
  state: (typeof OWN_PRESENCES)[number];
}

export class OwnPresenceView {
  @ApiProperty({ example: 'default' }) session: string;
  @ApiProperty({ enum: OWN_PRESENCES, example: 'available' }) state: string;
}

export class SubscribePresenceDto {
  @ApiProperty({ example: '6281234567890', description: 'The person: digits with country code, or a JID' })
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  chatId: string;
}

export class SubscribePresenceView {
  @ApiProperty({ example: 'default' }) session: string;
  @ApiProperty({ example: '6281234567890@s.whatsapp.net' }) chat: string;
  @ApiProperty({
    example: true,
    description: 'Asked: the current presence and its changes arrive as `presence.update` events',
  })
  subscribed: boolean;
}
