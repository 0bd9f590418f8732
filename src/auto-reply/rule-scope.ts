import type { RuleChatType } from './rule.entity';

export interface RuleScope {
  chatTypes: RuleChatType[];
  groups?: string[];
}

/**
 * Whether a rule answers in this chat. Direct chats: when `chatTypes` has `direct`. Groups: when the rule names
 * groups, only those; otherwise every group if `chatTypes` has `group`. By default (`["direct"]`, no groups) a
 * rule never answers in a group: a bot answering every group message is what nobody wants.
 */
export function inScope(rule: RuleScope, chatType: string, chat: string | null): boolean {
  if (chatType === 'group') {
    const groups = rule.groups ?? [];
    return groups.length ? !!chat && groups.includes(chat) : rule.chatTypes.includes('group');
  }
  return chatType === 'direct' && rule.chatTypes.includes('direct');
}
