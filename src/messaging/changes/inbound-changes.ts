import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import type { Sql } from '../../database/sql/sql';
import type { DomainEvent } from '../../events/domain-event';
import type { InboundMessage, MessageChange } from '../../whatsapp/engine/engine.types';
import { WhatsAppEngine } from '../../whatsapp/engine/whatsapp-engine';
import { SessionsFacade } from '../../whatsapp/sessions/sessions.facade';
import type { MessageEntity } from '../message.entity';
import { MessageEvents } from '../message.events';
import { MessageStore } from '../message.store';
import {
  applyEdit,
  applyReaction,
  applyRevoke,
  applyVote,
  ChangeAuthor,
  parseDetails,
  pollTally,
} from './change-details';
import type { ChangeAuthorView } from './change-events';

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Applies what WhatsApp delivers as changes of earlier messages (edits, revokes, reactions, poll votes) to
 * their target rows, inside the inbound transaction (so a change is stored, with its event's outbox rows,
 * before WhatsApp gets its receipt). Each change is applied once: a redelivered one finds itself in the
 * target's trail and is skipped.
 *
 * A change whose target the gateway does not have (sent before the account was linked, say) is not dropped:
 * its event is emitted with `id: null` and what the change itself says. A poll vote is the exception: it
 * cannot be read without its poll's secret, so it is logged as a warning and left.
 */
@Injectable()
export class InboundChanges {
  private readonly logger = new Logger(InboundChanges.name);

  constructor(
    private readonly store: MessageStore,
    private readonly events: MessageEvents,
    private readonly engine: WhatsAppEngine,
    private readonly sessions: SessionsFacade,
    private readonly config: AppConfig,
  ) {}

  *apply(sessionId: string, m: InboundMessage, change: MessageChange): Sql<DomainEvent[]> {
    const from: ChangeAuthorView = {
      phone: m.senderPhone,
      jid: m.senderJid,
      lid: m.senderLid,
      fromMe: m.fromMe,
      pushName: m.pushName,
    };
    const author: ChangeAuthor = { phone: from.phone, jid: from.jid, lid: from.lid, fromMe: from.fromMe };
    const base = (row: MessageEntity | null) => ({
      id: row?.id ?? null,
      session: sessionId,
      waMessageId: change.targetId,
      chat: row?.chatJid ?? m.chatJid,
    });
    switch (change.kind) {
      case 'edit': {
        const row = yield* this.ownTarget(sessionId, m, change.targetId);
        let previousText: string | null = null;
        if (row) {
          const edit = applyEdit(row, {
            text: change.text,
            editedAt: change.editedAt,
            waMessageId: m.waMessageId,
          });
          if (!edit) return [];
          yield* this.store.update(row.seq, edit.patch);
          previousText = edit.previousText;
        } else this.unknown(sessionId, 'an edit', change.targetId);
        const data = { ...base(row), from, text: change.text, previousText, editedAt: iso(change.editedAt) };
        return [yield* this.events.change('message.edited', sessionId, data)];
      }
      case 'revoke': {
        const row = yield* this.ownTarget(sessionId, m, change.targetId);
        if (row) {
          const patch = applyRevoke(row, change.revokedAt, this.config.MESSAGES_KEEP_REVOKED_CONTENT);
          if (!patch) return [];
          yield* this.store.update(row.seq, patch);
        } else this.unknown(sessionId, 'a revoke', change.targetId);
        const data = { ...base(row), from, revokedAt: iso(change.revokedAt) };
        return [yield* this.events.change('message.revoked', sessionId, data)];
      }
      case 'reaction': {
        const row = yield* this.anyTarget(sessionId, change.targetId, change.targetFromMe);
        let previousEmoji: string | null = null;
        if (row) {
          const applied = applyReaction(row, {
            emoji: change.emoji,
            from: author,
            at: change.reactedAt,
            waMessageId: m.waMessageId,
          });
          if (!applied) return [];
          yield* this.store.update(row.seq, applied.patch);
          previousEmoji = applied.previousEmoji;
        } else this.unknown(sessionId, 'a reaction', change.targetId);
        const data = {
          ...base(row),
          from,
          emoji: change.emoji,
          removed: change.emoji === '',
          previousEmoji,
          reactedAt: iso(change.reactedAt),
        };
        return [yield* this.events.change('message.reaction', sessionId, data)];
      }
      case 'poll_vote':
        return yield* this.vote(sessionId, m, change, from, author);
    }
  }

  private *vote(
    sessionId: string,
    m: InboundMessage,
    change: Extract<MessageChange, { kind: 'poll_vote' }>,
    voter: ChangeAuthorView,
    author: ChangeAuthor,
  ): Sql<DomainEvent[]> {
    const row = yield* this.anyTarget(sessionId, change.targetId, true);
    const poll = row ? parseDetails(row).poll : undefined;
    if (!row || !poll || !row.messageSecret) {
      this.logger.warn(
        `[${sessionId}] a poll vote for ${change.targetId} was left: the gateway does not have that poll's secret`,
      );
      return [];
    }
    const me = this.sessions.has(sessionId) ? this.sessions.state(sessionId).me : null;
    const jidsOf = (a: { jid: string | null; lid: string | null; phone: string | null }) =>
      [...new Set([a.jid, a.lid, a.phone ? `${a.phone}@s.whatsapp.net` : null])].filter((j): j is string =>
        Boolean(j),
      );
    const mine = me ? jidsOf({ jid: me.jid, lid: me.lid, phone: me.phone }) : [];
    const options = this.engine.decryptPollVote(change.vote, {
      pollId: change.targetId,
      secret: row.messageSecret,
      creatorJids: row.fromMe
        ? mine
        : jidsOf({ jid: row.senderJid, lid: row.senderLid, phone: row.senderPhone }),
      voterJids: m.fromMe ? mine : jidsOf(author),
      options: poll.options,
    });
    if (!options) {
      this.logger.warn(
        `[${sessionId}] a poll vote for ${change.targetId} could not be decrypted and was left`,
      );
      return [];
    }
    const patch = applyVote(row, { voter: author, options, at: change.votedAt, waMessageId: m.waMessageId });
    if (!patch) return [];
    yield* this.store.update(row.seq, patch);
    const data = {
      id: row.id,
      session: sessionId,
      waMessageId: change.targetId,
      chat: row.chatJid,
      voter,
      options,
      votedAt: iso(change.votedAt),
      tally: pollTally(parseDetails({ details: patch.details ?? null })) ?? [],
    };
    return [yield* this.events.change('poll.vote', sessionId, data)];
  }

  /** The edited or revoked message: one its author sent, in the same chat. */
  private *ownTarget(sessionId: string, m: InboundMessage, targetId: string): Sql<MessageEntity | null> {
    const row = yield* this.store.byWaId(sessionId, targetId, m.fromMe ? 'out' : 'in');
    if (!row || row.chatJid !== m.chatJid) return null;
    if (m.chatType === 'group' && !m.fromMe && row.senderJid !== m.senderJid) return null;
    return row;
  }

  /** A reacted-to or voted-on message, either direction (the sender's view of whose it is comes first). */
  private *anyTarget(sessionId: string, targetId: string, fromMe: boolean): Sql<MessageEntity | null> {
    return (
      (yield* this.store.byWaId(sessionId, targetId, fromMe ? 'out' : 'in')) ??
      (yield* this.store.byWaId(sessionId, targetId, fromMe ? 'in' : 'out'))
    );
  }

  private unknown(sessionId: string, what: string, targetId: string): void {
    this.logger.log(
      `[${sessionId}] ${what} of message ${targetId}, which the gateway does not have: event only`,
    );
  }
}
