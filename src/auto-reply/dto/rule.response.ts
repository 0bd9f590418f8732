import { ApiProperty } from '@nestjs/swagger';
import { MATCH_KINDS, MatchKind } from '../rule-matcher';
import type { AutoReplyRuleEntity, RuleChatType } from '../rule.entity';
import { RULE_CHAT_TYPES } from './rule-fields';

export class AutoReplyRuleResponse {
  @ApiProperty({ example: 'rule_default_ping' }) id: string;
  @ApiProperty({ example: 'Ping -> pong (from the original gateway)' }) name: string;
  @ApiProperty({ enum: MATCH_KINDS, example: 'exact' }) match: MatchKind;
  @ApiProperty({ example: 'ping' }) pattern: string;
  @ApiProperty({ example: false }) caseSensitive: boolean;
  @ApiProperty({ example: 'pong' }) reply: string;
  @ApiProperty({ type: [String], example: ['*'] }) sessions: string[];
  @ApiProperty({ enum: RULE_CHAT_TYPES, isArray: true, example: ['direct', 'group'] })
  chatTypes: RuleChatType[];
  @ApiProperty({
    type: [String],
    example: [],
    description:
      'Groups the rule answers in (JIDs); empty: every group if `chatTypes` has `group`, else none',
  })
  groups: string[];
  @ApiProperty({ example: 100 }) priority: number;
  @ApiProperty({ example: true }) enabled: boolean;
  @ApiProperty({ example: 0 }) cooldownSeconds: number;
  @ApiProperty({ example: '2026-11-25T10:00:00.000Z' }) createdAt: string;
  @ApiProperty({ example: '2026-11-25T10:00:00.000Z' }) updatedAt: string;
}

export function toRuleResponse(r: AutoReplyRuleEntity): AutoReplyRuleResponse {
  return {
    id: r.id,
    name: r.name,
    match: r.match,
    pattern: r.pattern,
    caseSensitive: r.caseSensitive,
    reply: r.reply,
    sessions: r.sessions,
    chatTypes: r.chatTypes,
    groups: r.groups ?? [],
    priority: r.priority,
    enabled: r.enabled,
    cooldownSeconds: r.cooldownSeconds,
    createdAt: new Date(r.createdAt).toISOString(),
    updatedAt: new Date(r.updatedAt).toISOString(),
  };
}
