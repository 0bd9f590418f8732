import { Injectable } from '@nestjs/common';
import { engineCall } from '../../chats/engine-call';
import { DomainError, NotFoundError } from '../../common/errors/domain-error';
import { AppConfig } from '../../config/app-config';
import type { QuotedRef } from '../../whatsapp/engine/engine.types';
import { SessionNotFound } from '../../whatsapp/sessions/session.errors';
import { SessionsFacade } from '../../whatsapp/sessions/sessions.facade';
import type { MessageEntity } from '../message.entity';
import { MessageEvents } from '../message.events';
import { MessageStore } from '../message.store';
import { MessageView, toMessageView } from '../message.view';
import { applyEdit, applyRevoke } from './change-details';

/** WhatsApp accepts an edit for 15 minutes after the message was sent. */
export const EDIT_WINDOW_MS = 15 * 60_000;

const unprocessable = (error: string, details: string) => new DomainError(422, error, details);

/**
 * Edit and delete-for-everyone of messages the account sent: checked here, sent to WhatsApp on the session's
 * connection (the contact's phone replaces or removes the message), then stored on the row with its
 * `message.edited` / `message.revoked` event. Nothing is stored when WhatsApp did not take it.
 */
@Injectable()
export class MessageChangesService {
  constructor(
    private readonly store: MessageStore,
    private readonly events: MessageEvents,
    private readonly sessions: SessionsFacade,
    private readonly config: AppConfig,
  ) {}

  async edit(sessionId: string, messageId: string, text: string): Promise<MessageView> {
    const row = await this.sentMessage(sessionId, messageId, 'edited');
    if (row.type !== 'text')
      throw unprocessable('Not a text message', `Only text messages can be edited; this one is ${row.type}`);
    const sentAt = row.waTimestamp != null ? row.waTimestamp * 1000 : row.sentAt!;
    if (Date.now() - sentAt > EDIT_WINDOW_MS)
      throw unprocessable(
        'Edit window passed',
        `WhatsApp accepts edits for 15 minutes after sending; this message was sent at ${new Date(sentAt).toISOString()}`,
      );
    const conn = this.sessions.connection(sessionId);
    const sent = await engineCall('Edit', () =>
      conn.send(row.chatJid, { type: 'edit', text, target: targetOf(row) }),
    );
    const editedAt = Date.now();
    const { store, events } = this;
    const [view, event] = await store.write(function* () {
      const current = (yield* store.byWaId(sessionId, row.waMessageId!, 'out'))!;
      const edit = applyEdit(current, { text, editedAt, waMessageId: sent.waMessageId });
      if (!edit) return [toMessageView(current), null] as const;
      yield* store.update(current.seq, edit.patch);
      const updated = { ...current, ...edit.patch };
      const event = yield* events.change('message.edited', sessionId, {
        id: current.id,
        session: sessionId,
        waMessageId: current.waMessageId,
        chat: current.chatJid,
        from: { phone: null, jid: null, lid: null, fromMe: true, pushName: null },
        text,
        previousText: edit.previousText,
        editedAt: new Date(editedAt).toISOString(),
      });
      return [toMessageView(updated), event] as const;
    });
    if (event) events.emit([event]);
    return view;
  }

  async revoke(sessionId: string, messageId: string): Promise<MessageView> {
    const row = await this.sentMessage(sessionId, messageId, 'deleted');
    const conn = this.sessions.connection(sessionId);
    await engineCall('Delete', () => conn.send(row.chatJid, { type: 'revoke', target: targetOf(row) }));
    const revokedAt = Date.now();
    const { store, events } = this;
    const keep = this.config.MESSAGES_KEEP_REVOKED_CONTENT;
    const [view, event] = await store.write(function* () {
      const current = (yield* store.byWaId(sessionId, row.waMessageId!, 'out'))!;
      const patch = applyRevoke(current, revokedAt, keep);
      if (!patch) return [toMessageView(current), null] as const;
      yield* store.update(current.seq, patch);
      const event = yield* events.change('message.revoked', sessionId, {
        id: current.id,
        session: sessionId,
        waMessageId: current.waMessageId,
        chat: current.chatJid,
        from: { phone: null, jid: null, lid: null, fromMe: true, pushName: null },
        revokedAt: new Date(revokedAt).toISOString(),
      });
      return [toMessageView({ ...current, ...patch }), event] as const;
    });
    if (event) events.emit([event]);
    return view;
  }

  /** The message, if it is one the account sent and WhatsApp took, and not deleted; else the reason (4xx). */
  private async sentMessage(sessionId: string, messageId: string, what: string): Promise<MessageEntity> {
    if (!this.sessions.has(sessionId)) throw new SessionNotFound(sessionId);
    const row = await this.store.find(sessionId, messageId);
    if (!row) throw new NotFoundError('Message', messageId);
    if (!row.fromMe || row.direction !== 'out')
      throw unprocessable('Not your message', `Only messages the account sent can be ${what}`);
    if (row.revokedAt != null) throw unprocessable('Message deleted', 'The message was deleted for everyone');
    if (!row.waMessageId || row.sentAt == null || row.status === 'failed')
      throw new DomainError(
        409,
        'Not sent',
        `The message is ${row.status}: it can be ${what} once it is sent`,
      );
    return row;
  }
}

function targetOf(row: MessageEntity): QuotedRef {
  return { waMessageId: row.waMessageId!, chatJid: row.chatJid, fromMe: true };
}
