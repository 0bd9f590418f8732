import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, Matches, MaxLength } from 'class-validator';
import type { RuleChatType } from '../rule.entity';
import { AutoReplyRuleResponse } from './rule.response';
import { GROUP_JID, OptionalNotNull, RULE_CHAT_TYPES } from './rule-fields';

/** A message to evaluate the saved rules against, without sending anything. */
export class TestAutoReplyDto {
  @ApiProperty({ example: 'ping', maxLength: 65_536 })
  @IsString()
  @MaxLength(65_536)
  text: string;

  @ApiPropertyOptional({ example: 'default', default: 'default' })
  @OptionalNotNull()
  @IsString()
  @Matches(/^[A-Za-z0-9._-]{1,64}$/, { message: 'session must be a session id' })
  session?: string;

  @ApiPropertyOptional({ enum: RULE_CHAT_TYPES, default: 'direct' })
  @OptionalNotNull()
  @IsIn(RULE_CHAT_TYPES as unknown as string[], { message: 'chatType must be "direct" or "group"' })
  chatType?: RuleChatType;

  @ApiPropertyOptional({ example: '120363000000000001@g.us', description: 'The group, for a group message' })
  @OptionalNotNull()
  @IsString()
  @Matches(GROUP_JID, { message: 'group must be a group JID (<id>@g.us)' })
  group?: string;

  @ApiPropertyOptional({ example: 'Budi', description: "The sender's push name, for {{name}}" })
  @OptionalNotNull()
  @IsString()
  @MaxLength(100)
  pushName?: string;

  @ApiPropertyOptional({ example: '6281234567890', description: "The sender's phone number, for {{phone}}" })
  @OptionalNotNull()
  @IsString()
  @Matches(/^\d{5,20}$/, { message: 'phone must be digits with country code' })
  phone?: string;
}

export class TestAutoReplyResponse {
  @ApiProperty({ example: true, description: 'Whether an enabled rule matches the message' })
  matched: boolean;

  @ApiProperty({ type: AutoReplyRuleResponse, nullable: true, description: 'The rule that would fire' })
  rule: AutoReplyRuleResponse | null;

  @ApiProperty({ type: String, example: 'pong', nullable: true, description: 'The text that would be sent' })
  reply: string | null;
}
