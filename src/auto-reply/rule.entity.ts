import { Column, Entity, Index, PrimaryColumn, ValueTransformer } from 'typeorm';
import type { MatchKind } from './rule-matcher';

export type RuleChatType = 'direct' | 'group';

/** A string array kept as JSON text. */
const jsonList: ValueTransformer = {
  to: (value: string[] | undefined) => (value === undefined ? undefined : JSON.stringify(value)),
  from: (value: string | null) => (value ? (JSON.parse(value) as string[]) : []),
};

/** One auto-reply rule. Times are epoch milliseconds. */
@Entity('auto_reply_rules')
@Index('ix_auto_reply_rules_priority', ['priority', 'createdAt'])
export class AutoReplyRuleEntity {
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text' })
  match: MatchKind;

  @Column({ type: 'text' })
  pattern: string;

  @Column({ name: 'case_sensitive', type: 'boolean', default: false })
  caseSensitive: boolean;

  /** The reply template (see reply-template.ts). */
  @Column({ type: 'text' })
  reply: string;

  /** Session ids the rule applies to, or `["*"]` for every session. */
  @Column({ type: 'text', transformer: jsonList })
  sessions: string[];

  @Column({ name: 'chat_types', type: 'text', transformer: jsonList })
  chatTypes: RuleChatType[];

  /** Group JIDs the rule answers in; empty = every group when `chatTypes` has `group` (see rule-scope.ts). */
  @Column({ type: 'text', transformer: jsonList })
  groups: string[];

  /** Lower numbers are evaluated first; ties go to the older rule. */
  @Column({ type: 'integer' })
  priority: number;

  @Column({ type: 'boolean', default: true })
  enabled: boolean;

  @Column({ name: 'cooldown_seconds', type: 'integer', default: 0 })
  cooldownSeconds: number;

  @Column({ name: 'created_at', type: 'integer' })
  createdAt: number;

  @Column({ name: 'updated_at', type: 'integer' })
  updatedAt: number;
}
