import type { Sql } from '../../database/sql/sql';
import type { MessageEntity } from '../message.entity';
import type { MessageStore } from '../message.store';
import { applyReaction, parseDetails } from './change-details';

/**
 * A reaction the account sent (a row of type `reaction`, once WhatsApp took it) is also put on the message it
 * reacts to, beside the contacts' reactions (`from.fromMe`), in the transaction that marks it sent.
 */
export function* putOwnReaction(store: MessageStore, row: MessageEntity, sentAt: number): Sql<void> {
  const reaction = parseDetails(row).reaction as { emoji?: string; targetId?: string } | undefined;
  if (!reaction?.targetId || !row.waMessageId) return;
  const target =
    (yield* store.byWaId(row.sessionId, reaction.targetId, 'in')) ??
    (yield* store.byWaId(row.sessionId, reaction.targetId, 'out'));
  if (!target) return;
  const applied = applyReaction(target, {
    emoji: reaction.emoji ?? '',
    from: { phone: null, jid: null, lid: null, fromMe: true },
    at: sentAt,
    waMessageId: row.waMessageId,
  });
  if (applied) yield* store.update(target.seq, applied.patch);
}
