import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { randomUUID } from 'node:crypto';
import { ContactDirectory } from '../../contacts/contact-directory';
import type { Sql } from '../../database/sql/sql';
import type { DomainEvent } from '../../events/domain-event';
import { detailsWithPendingMedia } from '../../media/media-details';
import { MediaFileStore } from '../../media/media-file.store';
import type { InboundMessage, MediaDownloadRef } from '../../whatsapp/engine/engine.types';
import { ENGINE_MESSAGES, EngineMessagesEvent } from '../../whatsapp/sessions/engine-events';
import { SessionNotFound } from '../../whatsapp/sessions/session.errors';
import { SessionsFacade } from '../../whatsapp/sessions/sessions.facade';
import { InboundChanges } from '../changes/inbound-changes';
import { newMessageId } from '../message-id';
import { MessageEntity, MessageSource } from '../message.entity';
import { MessageEvents } from '../message.events';
import { MessageStore } from '../message.store';
import { MessageView, toMessageView } from '../message.view';

/**
 * Every message WhatsApp delivers is stored once (deduplicated on session + WhatsApp id + direction) together
 * with its webhook outbox rows, in one transaction; then `message.received` (or `message.sent` for messages
 * the account sent from its phone) is emitted. The engine acknowledges the messages to WhatsApp only after
 * that commit.
 *
 * A message that could not be decrypted is stored with type `undecryptable` and the reason in `error`. If the
 * sender's copy, asked for again, decrypts later, it arrives with the same WhatsApp id: the row then takes its
 * content and the event is emitted again, with the same message id and the real type.
 */
@Injectable()
export class InboundService {
  private readonly logger = new Logger(InboundService.name);

  constructor(
    private readonly store: MessageStore,
    private readonly events: MessageEvents,
    private readonly sessions: SessionsFacade,
    private readonly mediaFiles: MediaFileStore,
    private readonly changes: InboundChanges,
    private readonly contacts: ContactDirectory,
  ) {}

  /**
   * Resolves once stored (the engine acknowledges the messages to WhatsApp then); rejects if not stored. Runs
   * at once when the engine hands the messages over (a plain listener, which `emitAsync` calls directly; the
   * `async` option would start it a turn later), so the rows join the group commit of the Signal keys their
   * decryption wrote.
   */
  @OnEvent(ENGINE_MESSAGES, { suppressErrors: false })
  async onEngineMessages({ sessionId, messages }: EngineMessagesEvent): Promise<void> {
    try {
      await this.ingest(sessionId, messages, 'whatsapp');
    } catch (err) {
      this.logger.error(
        `[${sessionId}] storing ${messages.length} incoming message(s) failed, left for WhatsApp to deliver again: ${(err as Error).message}`,
      );
      throw err;
    }
  }

  /** The seed's POST /api/whatsapp/receive: a message fed in from outside, through the same pipeline. */
  async inject(sessionId: string, from: string, text: string, timestamp: number): Promise<MessageView> {
    if (!this.sessions.has(sessionId)) throw new SessionNotFound(sessionId);
    const chatJid = `${from}@s.whatsapp.net`;
    const [view] = await this.ingest(
      sessionId,
      [
        {
          waMessageId: `INJECTED-${randomUUID()}`,
          chatJid,
          chatType: 'direct',
          fromMe: false,
          senderJid: chatJid,
          senderPhone: from,
          senderLid: null,
          pushName: null,
          type: 'text',
          text,
          quotedMessageId: null,
          media: null,
          location: null,
          reaction: null,
          timestamp,
          system: false,
        },
      ],
      'injected',
    );
    return view;
  }

  /** Stores what is new (one transaction with its outbox rows); returns the views of the rows it stored. */
  async ingest(sessionId: string, messages: InboundMessage[], source: MessageSource): Promise<MessageView[]> {
    const [stored, emitted] = await this.store.write(() => this.storeNew(sessionId, messages, source));
    this.events.emit(emitted);
    return stored.map(toMessageView);
  }

  private *storeNew(
    sessionId: string,
    messages: InboundMessage[],
    source: MessageSource,
  ): Sql<readonly [MessageEntity[], DomainEvent[]]> {
    const rows: MessageEntity[] = [];
    const events: DomainEvent[] = [];
    for (const inbound of messages) {
      // The sender with both identities where the directory knows them (and what the message teaches it).
      const sender = yield* this.contacts.sender(sessionId, inbound);
      events.push(...sender.events);
      const m = { ...inbound, senderPhone: sender.phone, senderLid: sender.lid };
      if (m.change) {
        events.push(...(yield* this.changes.apply(sessionId, m, m.change)));
        continue;
      }
      let row = toRow(sessionId, m, source);
      if (!(yield* this.store.insert(row))) {
        const decrypted = m.type !== 'undecryptable' && (yield* this.decrypted(row));
        if (!decrypted) continue;
        row = decrypted;
      }
      if (m.mediaDownload) row = yield* this.trackMedia(row, m.mediaDownload);
      rows.push(row);
      events.push(yield* this.events.message(m.fromMe ? 'message.sent' : 'message.received', row));
    }
    return [rows, events] as const;
  }

  /** The message's file, to download after the commit (MediaDownloader): `pending` in the same transaction. */
  private *trackMedia(row: MessageEntity, download: MediaDownloadRef): Sql<MessageEntity> {
    const details = detailsWithPendingMedia(row);
    yield* this.store.setDetails(row.id, details);
    yield* this.mediaFiles.insertPending(row.id, row.sessionId, download, row.createdAt);
    return { ...row, details };
  }

  /** The stored undecryptable row of this message, now given its content; null if there is none. */
  private *decrypted(row: MessageEntity): Sql<MessageEntity | null> {
    const existing = yield* this.store.byWaId(row.sessionId, row.waMessageId!, row.direction);
    if (!existing || existing.type !== 'undecryptable') return null;
    const patch: Partial<MessageEntity> = {
      type: row.type,
      text: row.text,
      quotedMessageId: row.quotedMessageId,
      details: row.details,
      pushName: row.pushName ?? existing.pushName,
      error: null,
    };
    if (!(yield* this.store.update(existing.seq, patch))) return null;
    return { ...existing, ...patch };
  }
}

function toRow(sessionId: string, m: InboundMessage, source: MessageSource): MessageEntity {
  const details: Record<string, unknown> = {};
  if (m.media) details.media = m.media;
  if (m.location) details.location = m.location;
  if (m.reaction) details.reaction = m.reaction;
  if (m.poll) details.poll = m.poll;
  if (m.system) details.system = true;
  const now = Date.now();
  return {
    id: newMessageId(),
    sessionId,
    direction: m.fromMe ? 'out' : 'in',
    waMessageId: m.waMessageId,
    chatJid: m.chatJid,
    chatType: m.chatType,
    fromMe: m.fromMe,
    senderJid: m.senderJid,
    senderPhone: m.senderPhone,
    senderLid: m.senderLid,
    pushName: m.pushName,
    type: m.type,
    text: m.text,
    quotedMessageId: m.quotedMessageId,
    details: Object.keys(details).length ? JSON.stringify(details) : null,
    status: m.fromMe ? 'sent' : 'received',
    source: m.fromMe ? 'phone' : source,
    createdAt: now,
    waTimestamp: m.timestamp,
    sentAt: m.fromMe ? m.timestamp * 1000 : null,
    request: null,
    waPayload: null,
    ruleId: null,
    idempotencyKey: null,
    attempts: 0,
    deliveredAt: null,
    readAt: null,
    failedAt: null,
    readByMeAt: null,
    expiresAt: null,
    editedAt: null,
    revokedAt: null,
    messageSecret: null,
    error: m.undecryptable ?? null,
  } as MessageEntity;
}
