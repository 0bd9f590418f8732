import { Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { BadRequestError, DomainError, NotFoundError } from '../common/errors/domain-error';
import { AppConfig } from '../config/app-config';
import type { DomainEvent } from '../events/domain-event';
import { SessionNotFound } from '../whatsapp/sessions/session.errors';
import { SessionsFacade } from '../whatsapp/sessions/sessions.facade';
import { decodeCursor, encodeCursor, ListMessagesQuery, MessagePage } from './dto/list-messages.query';
import type { SendMessageDto } from './dto/send-message.dto';
import { MessageStore } from './message.store';
import { MessageView, toMessageView } from './message.view';
import { fieldToJid, phoneOfJid, toJid } from './recipient';
import { toStoredRequest } from './send/content-builder';
import { MessageQueueService } from './send/message-queue.service';

/** The messages API's use cases: accept a send, read the history, look a number up. */
@Injectable()
export class MessagesService {
  constructor(
    private readonly queue: MessageQueueService,
    private readonly store: MessageStore,
    private readonly sessions: SessionsFacade,
    private readonly emitter: EventEmitter2,
    private readonly config: AppConfig,
  ) {}

  send(
    sessionId: string,
    dto: SendMessageDto,
    idempotencyKey: string | undefined,
    source: 'api' | 'seed' = 'api',
  ) {
    if (idempotencyKey !== undefined && !/^[\x21-\x7e]{1,255}$/.test(idempotencyKey)) {
      throw new BadRequestError(
        'Invalid Idempotency-Key',
        'Use 1-255 printable ASCII characters without spaces',
      );
    }
    const request = toStoredRequest(dto, this.config.MEDIA_MAX_BYTES);
    return this.queue.accept(sessionId, request, {
      source,
      idempotencyKey,
      quotedMessageId: dto.quotedMessageId,
    });
  }

  /** Resolves once the message is sent (or failed), for the seed's synchronous send route. */
  async waitUntilSent(view: MessageView, timeoutMs: number): Promise<MessageView> {
    const settled = (v: MessageView) => v.status !== 'queued' && v.status !== 'sending';
    if (settled(view)) return view;
    return new Promise((resolve, reject) => {
      const onEvent = (e: DomainEvent<{ id: string }>) => {
        if (e.data.id !== view.id) return;
        done();
        void this.store.find(view.session, view.id).then((row) => resolve(toMessageView(row!)), reject);
      };
      const timer = setTimeout(() => {
        done();
        reject(
          new DomainError(
            504,
            'Send timed out',
            `The message is still queued (id ${view.id}); it will be sent when possible`,
          ),
        );
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.emitter.off('message.sent', onEvent);
        this.emitter.off('message.status', onEvent);
      };
      this.emitter.on('message.sent', onEvent);
      this.emitter.on('message.status', onEvent);
      // The row may have settled between the caller's read and these listeners.
      void this.store.find(view.session, view.id).then((row) => {
        if (row && settled(toMessageView(row)))
          onEvent({ data: { id: view.id } } as DomainEvent<{ id: string }>);
      });
    });
  }

  async list(sessionId: string, q: ListMessagesQuery): Promise<MessagePage> {
    if (!this.sessions.has(sessionId)) throw new SessionNotFound(sessionId);
    const limit = q.limit ?? 50;
    const beforeSeq = q.cursor ? decodeCursor(q.cursor) : undefined;
    if (q.cursor && beforeSeq == null)
      throw new BadRequestError('Invalid cursor', 'cursor must be a nextCursor value from a previous page');
    const rows = await this.store.history(sessionId, {
      chat: q.chat ? fieldToJid(q.chat, 'chat') : undefined,
      direction: q.direction,
      status: q.status,
      since: q.since ? Date.parse(q.since) : undefined,
      until: q.until ? Date.parse(q.until) : undefined,
      beforeSeq: beforeSeq ?? undefined,
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    return {
      items: page.map(toMessageView),
      nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1].seq) : null,
    };
  }

  async get(sessionId: string, messageId: string): Promise<MessageView> {
    if (!this.sessions.has(sessionId)) throw new SessionNotFound(sessionId);
    const row = await this.store.find(sessionId, messageId);
    if (!row) throw new NotFoundError('Message', messageId);
    const view = toMessageView(row);
    if (row.chatType !== 'group' || row.direction !== 'out') return view;
    const iso = (ms: number | null) => (ms == null ? null : new Date(ms).toISOString());
    const receipts = await this.store.participantReceipts(row.id);
    return {
      ...view,
      receipts: receipts.map((r) => ({
        participant: r.participant,
        phone: phoneOfJid(r.participant),
        deliveredAt: iso(r.deliveredAt),
        readAt: iso(r.readAt),
      })),
    };
  }

  async lookup(sessionId: string, phone: string) {
    const conn = this.sessions.connection(sessionId);
    const digits = toJid(phone).split('@')[0];
    try {
      return await conn.lookup(digits);
    } catch (err) {
      throw new DomainError(
        502,
        'Lookup failed',
        `WhatsApp did not answer the lookup: ${(err as Error).message}`,
      );
    }
  }
}
