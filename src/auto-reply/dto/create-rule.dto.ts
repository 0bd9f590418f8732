import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { PLACEHOLDERS } from '../reply-template';
import { MATCH_KINDS, MatchKind } from '../rule-matcher';
import type { RuleChatType } from '../rule.entity';
import { GROUP_JID, NOT_BLANK, OptionalNotNull, RULE_CHAT_TYPES, SESSION_OR_ANY } from './rule-fields';

const placeholders = PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ');

export class CreateAutoReplyRuleDto {
  @ApiProperty({ example: 'Opening hours', maxLength: 100 })
  @IsString()
  @Matches(NOT_BLANK, { message: 'name must not be blank' })
  @MaxLength(100)
  name: string;

  @ApiProperty({
    enum: MATCH_KINDS,
    example: 'regex',
    description:
      '`exact`: the whole message (surrounding spaces ignored); `contains`: anywhere; `starts_with`: at the ' +
      'start; `regex`: an RE2 regular expression found anywhere in the message (anchor with ^...$). Regexes run ' +
      'in linear time; lookaround and backreferences are not supported.',
  })
  @IsIn(MATCH_KINDS as unknown as string[], { message: `match must be one of ${MATCH_KINDS.join(', ')}` })
  match: MatchKind;

  @ApiProperty({ example: '\\b(hours|open)\\b', maxLength: 500 })
  @IsString()
  @Matches(NOT_BLANK, { message: 'pattern must not be blank' })
  @MaxLength(500)
  pattern: string;

  @ApiPropertyOptional({ default: false, description: 'Compare letter case too' })
  @OptionalNotNull()
  @IsBoolean()
  caseSensitive?: boolean;

  @ApiProperty({
    example: 'Hi {{name}}, we are open 9:00-17:00.',
    maxLength: 4096,
    description: `The reply. Placeholders: ${placeholders} (push name, sender's phone, the incoming text, session id). Any other {{...}} is refused.`,
  })
  @IsString()
  @Matches(NOT_BLANK, { message: 'reply must not be blank' })
  @MaxLength(4096)
  reply: string;

  @ApiPropertyOptional({
    type: [String],
    default: ['*'],
    example: ['*'],
    description: 'Session ids the rule applies to, or ["*"] for every session',
  })
  @OptionalNotNull()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ArrayUnique()
  @IsString({ each: true })
  @Matches(SESSION_OR_ANY, { each: true, message: 'sessions must hold session ids or "*"' })
  sessions?: string[];

  @ApiPropertyOptional({
    enum: RULE_CHAT_TYPES,
    isArray: true,
    default: ['direct'],
    example: ['direct', 'group'],
    description:
      'Chats the rule answers in: `direct` (one-to-one chats) and/or `group` (every group). Status broadcasts and ' +
      'channels are never answered.',
  })
  @OptionalNotNull()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(RULE_CHAT_TYPES as unknown as string[], {
    each: true,
    message: 'chatTypes must contain only "direct" and/or "group"',
  })
  chatTypes?: RuleChatType[];

  @ApiPropertyOptional({
    type: [String],
    default: [],
    example: ['120363000000000001@g.us'],
    description:
      'Answer in these groups only (group JIDs), whatever `chatTypes` says about groups; direct chats still ' +
      'follow `chatTypes`. Empty: every group when `chatTypes` has `group`, else no group.',
  })
  @OptionalNotNull()
  @IsArray()
  @ArrayMaxSize(100)
  @ArrayUnique()
  @IsString({ each: true })
  @Matches(GROUP_JID, { each: true, message: 'groups must hold group JIDs (<id>@g.us)' })
  groups?: string[];

  @ApiPropertyOptional({
    default: 100,
    minimum: 0,
    maximum: 1_000_000,
    description: 'Lower numbers are evaluated first; the first matching enabled rule replies',
  })
  @OptionalNotNull()
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  priority?: number;

  @ApiPropertyOptional({ default: true })
  @OptionalNotNull()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({
    default: 0,
    minimum: 0,
    maximum: 86_400,
    description: 'After replying in a chat, the rule stays quiet in that chat for this many seconds',
  })
  @OptionalNotNull()
  @IsInt()
  @Min(0)
  @Max(86_400)
  cooldownSeconds?: number;
}
