import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { EventEmitter2, OnEvent } from '@nestjs/event-emitter';
import {
  CLUSTER_ADOPTING,
  CLUSTER_QUEUE,
  CLUSTER_QUEUED_ELSEWHERE,
  ClusterSessionEvent,
} from '../../cluster/cluster-events';
import { SessionFence } from '../../cluster/session-fence';
import { DomainError } from '../../common/errors/domain-error';
import type { EngineConnection } from '../../whatsapp/engine/whatsapp-engine';
import { AppConfig } from '../../config/app-config';
import type { DomainEvent } from '../../events/domain-event';
import type { OutgoingContent, QuotedRef, SendOptions } from '../../whatsapp/engine/engine.types';
import type { QueueDepths } from '../../whatsapp/sessions/message-ports';
import { SessionNotFound } from '../../whatsapp/sessions/session.errors';
import { SessionsFacade } from '../../whatsapp/sessions/sessions.facade';
import { putOwnReaction } from '../changes/own-reaction';
import { newMessageId, newWaMessageId } from '../message-id';
import { EnqueueOptions, MessageSender } from '../message-sender';
import { MessageEntity } from '../message.entity';
import { MessageEvents } from '../message.events';
import { MessageStore } from '../message.store';
import { MessageView, toMessageView } from '../message.view';
import { toJid } from '../recipient';
import { detailsOf, summaryText } from './content-builder';
import { EXPIRED_ERROR } from './expiry';
import { MediaDownload, MediaDownloads } from './media-downloads';
import { materialize, mediaUrlOf } from './materialize';
import { nextSendDelay } from './pacing';
import { RecipientCheck, RecipientVerdict } from './recipient-check';
import { isConnectionError, SendOutcome, settle } from './send-outcome';
import { nextSendable } from './send-order';
import { SentMarks } from './sent-marks';
import type { StoredRequest } from './stored-request';

/** Rows claimed at once by a session's sender when pacing is off, and the stored request bytes they may hold. */
const SEND_CHUNK = 16;
const SEND_CHUNK_BYTES = 1 << 20;
/** Sends handed to the connection before the first of them is answered, when pacing is off. */
const SEND_WINDOW = 16;
/** Claimed rows a sender holds at most while earlier ones wait for their media. */
const SEND_LOOKAHEAD = 64;
/** The longest a sender goes on sending before it lets its "sent" marks commit and the event loop run. */
const SEND_YIELD_MS = 10;

const chatTypeOf = (jid: string) =>
  jid.endsWith('@g.us') ? 'group' : jid.endsWith('@broadcast') ? 'broadcast' : 'direct';

/**
 * The durable per-session send queue. A request is stored `queued` before anything is sent; one worker per
 * session sends in order, paced, while the session is connected; a restart or a disconnect only delays it.
 */
@Injectable()
export class MessageQueueService
  extends MessageSender
  implements OnApplicationBootstrap, BeforeApplicationShutdown, QueueDepths
{
  private readonly logger = new Logger(MessageQueueService.name);
  private readonly pending = new Map<string, number>();
  private readonly running = new Set<string>();
  private readonly again = new Set<string>();
  private readonly lastSentAt = new Map<string, number>();
  /** Wakes a session's sender that waits for media downloads. */
  private readonly wakers = new Map<string, () => void>();
  /**
   * Per session with a running sender: rows it holds that a receipt settled meanwhile (by seq). The sender
   * drops them instead of sending them (again).
   */
  private readonly confirmed = new Map<string, Set<number>>();
  private stopping = false;
  private sweeper: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: MessageStore,
    private readonly sessions: SessionsFacade,
    private readonly events: MessageEvents,
    private readonly config: AppConfig,
    private readonly media: MediaDownloads,
    private readonly recipients: RecipientCheck,
    private readonly fence: SessionFence,
    private readonly emitter: EventEmitter2,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    // In a cluster, each session's interrupted sends are queued again by the node that takes it (see `adopting`).
    const interrupted = this.fence.clustered ? 0 : await this.store.requeueInterrupted();
    if (interrupted)
      this.logger.warn(`${interrupted} message(s) were mid-send at the last stop; they are queued again`);
    for (const [id, n] of await this.store.pendingCounts()) this.pending.set(id, n);
    this.sweeper = setInterval(() => void this.expireStale(), 30_000);
    this.sweeper.unref();
  }

  beforeApplicationShutdown(): void {
    this.stopping = true;
    if (this.sweeper) clearInterval(this.sweeper);
    for (const wake of this.wakers.values()) wake();
  }

  /** Messages of the session not yet sent or failed (the sessions' QueueDepths port). */
  depth(sessionId: string): number {
    return this.pending.get(sessionId) ?? 0;
  }

  @OnEvent('session.status')
  onSessionStatus(event: DomainEvent<{ session: string; status: string }>): void {
    if (event.data.status === 'connected') this.kick(event.data.session);
    else this.wakers.get(event.data.session)?.();
  }

  /** In a cluster: this node takes the session; what its previous owner was sending goes back to the queue first. */
  @OnEvent(CLUSTER_ADOPTING, { async: true, promisify: true })
  async adopting(event: ClusterSessionEvent): Promise<void> {
    const { store, fence } = this;
    const id = event.session;
    const interrupted = await store.write(function* () {
      yield* fence.check(id);
      return yield* store.requeueSession(id);
    });
    if (interrupted)
      this.logger.warn(`[${id}] ${interrupted} message(s) were mid-send on the previous owner; queued again`);
    const counts = await store.pendingCounts();
    this.pending.set(id, counts.get(id) ?? 0);
  }

  /** In a cluster: sends were queued for a session this node owns (on another node, or seen by polling). */
  @OnEvent(CLUSTER_QUEUE)
  onClusterQueue(event: ClusterSessionEvent): void {
    this.kick(event.session);
  }

  /**
   * Rows that a receipt moved on while still `queued` or `sending` (the server had them: a send whose
   * acknowledgement was not processed before a crash or a lost connection). They have left the queue, counted
   * here once; the session's sender does not send them again.
   */
  settled(sessionId: string, rows: { seq: number; previous: 'queued' | 'sending' }[]): void {
    if (!rows.length) return;
    this.pending.set(sessionId, Math.max(0, this.depth(sessionId) - rows.length));
    const held = this.confirmed.get(sessionId);
    if (held) for (const row of rows) if (row.previous === 'sending') held.add(row.seq);
  }

  /** For other modules (auto-reply): content as the engine speaks it. */
  async enqueue(
    sessionId: string,
    to: string,
    content: OutgoingContent,
    options: EnqueueOptions,
  ): Promise<MessageView> {
    const stored = {
      ...content,
      ...('media' in content
        ? {
            media:
              'url' in content.media
                ? { url: content.media.url }
                : { base64: content.media.data.toString('base64'), mimetype: content.media.mimetype },
          }
        : {}),
    } as StoredRequest['content'];
    return this.accept(sessionId, { to: toJid(to), content: stored }, options);
  }

  /** Stores the request (`queued`), answering the first response again for a repeated Idempotency-Key. */
  async accept(
    sessionId: string,
    request: Omit<StoredRequest, 'quoted'>,
    options: EnqueueOptions,
  ): Promise<MessageView> {
    if (!this.sessions.has(sessionId)) throw new SessionNotFound(sessionId);
    if (options.idempotencyKey) {
      const existing = await this.store.byIdempotencyKey(sessionId, options.idempotencyKey);
      if (existing) return toMessageView(existing);
    }
    const quoted = options.quotedMessageId
      ? await this.resolveRef(sessionId, options.quotedMessageId, request.to)
      : undefined;
    const content = request.content;
    if (content.type === 'reaction')
      content.target = await this.resolveRef(sessionId, content.target.waMessageId, request.to);
    const now = Date.now();
    const row: Omit<MessageEntity, 'seq'> = {
      id: newMessageId(),
      sessionId,
      direction: 'out',
      waMessageId: newWaMessageId(),
      chatJid: request.to,
      chatType: chatTypeOf(request.to),
      fromMe: true,
      type: content.type,
      text: summaryText(content),
      quotedMessageId: quoted?.waMessageId ?? null,
      details: JSON.stringify(detailsOf(content)),
      request: JSON.stringify({ ...request, quoted } satisfies StoredRequest),
      status: 'queued',
      source: options.source,
      ruleId: options.ruleId ?? null,
      idempotencyKey: options.idempotencyKey ?? null,
      createdAt: now,
      expiresAt: now + this.config.SEND_EXPIRY_MS,
      editedAt: null,
      revokedAt: null,
      messageSecret: null,
      senderJid: null,
      senderPhone: null,
      senderLid: null,
      pushName: null,
      waPayload: null,
      error: null,
      attempts: 0,
      waTimestamp: null,
      sentAt: null,
      deliveredAt: null,
      readAt: null,
      failedAt: null,
      readByMeAt: null,
    };
    const inserted = await this.store.write(() => this.store.insert(row));
    if (!inserted && options.idempotencyKey) {
      const existing = await this.store.byIdempotencyKey(sessionId, options.idempotencyKey);
      if (existing) return toMessageView(existing);
    }
    this.pending.set(sessionId, this.depth(sessionId) + 1);
    if (this.fence.holds(sessionId)) this.kick(sessionId);
    else this.emitter.emit(CLUSTER_QUEUED_ELSEWHERE, { session: sessionId } satisfies ClusterSessionEvent);
    return toMessageView(row as MessageEntity);
  }

  /** Starts the session's worker, or tells a running one to look again. */
  kick(sessionId: string): void {
    if (this.running.has(sessionId)) {
      this.again.add(sessionId);
      this.wakers.get(sessionId)?.();
      return;
    }
    this.running.add(sessionId);
    void this.drain(sessionId)
      .catch((err) => this.logger.error(`[${sessionId}] send queue stopped: ${(err as Error).message}`))
      .finally(() => {
        this.running.delete(sessionId);
        if (this.again.delete(sessionId)) this.kick(sessionId);
      });
  }

  /**
   * Sends the session's queue while it is connected, in order per chat.
   *
   * Media given by URL is downloaded from the moment its row is claimed (see MediaDownloads), and a row waiting
   * for its media holds back only the later rows to its own chat: rows to other chats are sent meanwhile (up to
   * SEND_LOOKAHEAD rows are claimed ahead of a waiting one). A failed download fails its row; the rows behind it
   * go on.
   *
   * With pacing off, rows are claimed a chunk at a time (up to SEND_CHUNK rows, or SEND_CHUNK_BYTES of stored
   * request: media is held in memory until sent), up to SEND_WINDOW of them are handed to the connection
   * before the first is answered (the connection sends them one after another, in order: with the engine on
   * its own thread, the next message is already there when one is done; a send is answered once WhatsApp's
   * server acknowledged it, and rows queued meanwhile join the window at once), and each "sent" mark is written
   * without the loop waiting for its commit, so the marks (and the Signal sessions Baileys writes) of the
   * messages answered during one turn share one SQLite commit. The loop lets the marks commit, and the event
   * loop run, every SEND_CHUNK marks and at least every SEND_YIELD_MS. A crash before a mark commits leaves the
   * row `sending`: it is queued again at the next start and sent with the same WhatsApp id (which the
   * recipient's device deduplicates), as before; a downloaded body lives in memory only and is fetched again.
   * A receipt for a row still held here (its earlier send arrived) settles it: it is dropped, not sent again.
   * With pacing on, one row is claimed when its turn has come, and each mark is waited for.
   */
  private async drain(sessionId: string): Promise<void> {
    const pipelined = this.config.SEND_MIN_INTERVAL_MS <= 0 && this.config.SEND_JITTER_MS <= 0;
    const window = pipelined ? SEND_WINDOW : 1;
    const claimed: MessageEntity[] = [];
    const inFlight: { row: MessageEntity; outcome: Promise<SendOutcome> }[] = [];
    /** Rows handed to the connection (their claim's attempt counts). */
    const tried = new Set<MessageEntity>();
    /** Media downloads of claimed rows, released once the row is sent, failed or given back. */
    const downloads = new Map<MessageEntity, MediaDownload>();
    /** Recipient checks of claimed rows: asked at claim time too, so a slow lookup holds back only its chat. */
    const checks = new Map<MessageEntity, RecipientVerdict>();
    const ready = (row: MessageEntity) =>
      (downloads.get(row)?.done ?? true) && (checks.get(row)?.settled ?? true);
    let wake: (() => void) | null = null;
    const poke = () => {
      const w = wake;
      wake = null;
      w?.();
    };
    this.wakers.set(sessionId, poke);
    const confirmed = new Set<number>();
    this.confirmed.set(sessionId, confirmed);
    /** Whether a receipt settled the row meanwhile (then it is not sent, or not sent again). */
    const settled = (row: MessageEntity) => confirmed.delete(row.seq);
    const marks = new SentMarks(this.logger, sessionId);
    let exhausted = false;
    const back: MessageEntity[] = [];
    try {
      while (!this.stopping) {
        if (this.again.delete(sessionId)) exhausted = false;
        // In a cluster, only while this node holds the session's lease (by its own clock: see LeaseTable).
        const conn = this.fence.holds(sessionId) ? this.sessions.openConnection(sessionId) : null;
        if (!conn) return;
        const next = inFlight.length < window ? nextSendable(claimed, ready) : -1;
        if (next >= 0 || (inFlight.length < window && !exhausted && claimed.length < SEND_LOOKAHEAD)) {
          const wait = pipelined
            ? 0
            : nextSendDelay(
                this.lastSentAt.get(sessionId) ?? 0,
                Date.now(),
                this.config.SEND_MIN_INTERVAL_MS,
                this.config.SEND_JITTER_MS,
              );
          if (wait > 0) {
            await new Promise((r) => setTimeout(r, wait).unref());
            continue;
          }
        }
        if (next >= 0) {
          const [row] = claimed.splice(next, 1);
          const send = settled(row) ? null : await this.prepare(row, downloads.get(row));
          downloads.get(row)?.release();
          downloads.delete(row);
          const refusal = checks.get(row)?.refusal;
          checks.delete(row);
          if (!send || settled(row)) continue;
          if (refusal) {
            await this.fail(row, 'sending', refusal);
            continue;
          }
          tried.add(row);
          inFlight.push({ row, outcome: settle(conn.send(row.chatJid, send.content, send.options)) });
          continue;
        }
        if (inFlight.length < window && !exhausted && claimed.length < SEND_LOOKAHEAD) {
          const { store, fence } = this;
          const rows = await store.write(function* () {
            yield* fence.check(sessionId);
            if (pipelined) return yield* store.claimChunk(sessionId, SEND_CHUNK, SEND_CHUNK_BYTES);
            const row = yield* store.claimNext(sessionId);
            return row ? [row] : [];
          });
          if (!rows.length) exhausted = true;
          for (const row of rows) {
            this.startDownload(row, downloads, poke);
            this.startCheck(sessionId, conn, row, checks, poke);
          }
          claimed.push(...rows);
          continue;
        }
        if (inFlight.length) {
          // A send is answered once WhatsApp's server acknowledges it: while the window has room, new rows
          // (a kick) or a change of the connection are not kept waiting for that answer.
          if (inFlight.length < window && !this.again.has(sessionId)) {
            const woken = new Promise<false>((resolve) => (wake = () => resolve(false)));
            const answered = await Promise.race([inFlight[0].outcome.then(() => true), woken]);
            if (!answered) continue;
          }
          const { row, outcome } = inFlight.shift()!;
          const result = await outcome;
          settled(row);
          if (result.ok) {
            this.lastSentAt.set(sessionId, Date.now());
            const mark = this.markSent(row, result.value);
            if (!pipelined) await mark;
            else if (marks.add(mark) >= SEND_CHUNK || marks.olderThan(SEND_YIELD_MS)) await marks.settle();
          } else if (!this.sessions.isConnected(sessionId) || isConnectionError(result.error)) {
            // The connection went away under us: the message waits for the next connection (same WhatsApp id).
            back.push(row);
            return;
          } else {
            await this.fail(row, 'sending', result.error.message);
          }
          continue;
        }
        if (!claimed.length) return;
        // Every claimed row waits for media: let the marks commit, then wait for a download, a new row, or a
        // change of the connection.
        await marks.settle();
        const moved = this.stopping || this.again.has(sessionId) || !this.sessions.isConnected(sessionId);
        if (moved || nextSendable(claimed, ready) >= 0) continue;
        await new Promise<void>((resolve) => (wake = resolve));
      }
    } finally {
      if (this.wakers.get(sessionId) === poke) this.wakers.delete(sessionId);
      if (this.confirmed.get(sessionId) === confirmed) this.confirmed.delete(sessionId);
      // What the connection was still sending settles first: sent is marked, the rest goes back to the queue.
      for (const { row, outcome } of inFlight.splice(0)) {
        const result = await outcome;
        if (result.ok) marks.add(this.markSent(row, result.value));
        else back.push(row);
      }
      await marks.settle();
      back.push(...claimed.splice(0));
      for (const download of downloads.values()) download.release();
      if (back.length) await this.requeue(back, tried);
    }
  }

  /** Asks whether a claimed row's recipient is on WhatsApp (answered from the cache when known); the answer wakes the sender. */
  private startCheck(
    sessionId: string,
    conn: Pick<EngineConnection, 'lookup'>,
    row: MessageEntity,
    checks: Map<MessageEntity, RecipientVerdict>,
    wake: () => void,
  ): void {
    const verdict: RecipientVerdict = { settled: false, refusal: null };
    checks.set(row, verdict);
    void this.recipients.refusal(sessionId, conn, row.chatJid).then((refusal) => {
      verdict.settled = true;
      verdict.refusal = refusal;
      wake();
    });
  }

  /** Starts the download of a claimed row's media given by URL; its end wakes the sender. */
  private startDownload(
    row: MessageEntity,
    downloads: Map<MessageEntity, MediaDownload>,
    wake: () => void,
  ): void {
    const url = mediaUrlOf(row.request);
    if (!url) return;
    const download = this.media.start(url);
    downloads.set(row, download);
    void download.result.then(wake);
  }

  /** The content and options to send a claimed row with; null when the row failed instead (expired, bad media). */
  private async prepare(
    row: MessageEntity,
    download: MediaDownload | undefined,
  ): Promise<{ content: OutgoingContent; options: SendOptions } | null> {
    if (row.expiresAt != null && row.expiresAt < Date.now()) {
      await this.expire(row);
      return null;
    }
    const request = JSON.parse(row.request ?? '{}') as StoredRequest;
    try {
      const content = await materialize(request.content, download);
      return { content, options: { waMessageId: row.waMessageId ?? undefined, quoted: request.quoted } };
    } catch (err) {
      await this.fail(
        row,
        'sending',
        err instanceof DomainError ? String(err.details) : (err as Error).message,
      );
      return null;
    }
  }

  /**
   * Puts claimed rows back in the queue (only those still `sending`). A row never handed to the connection gets
   * back the attempt its claim counted; `tried` are those that were.
   */
  private requeue(rows: MessageEntity[], tried: Set<MessageEntity>): Promise<void> {
    const { store, fence } = this;
    const sessionId = rows[0].sessionId;
    return store.write(function* () {
      yield* fence.check(sessionId);
      for (const row of rows) {
        const attempts = tried.has(row) ? row.attempts : row.attempts - 1;
        yield* store.update(row.seq, { status: 'queued', attempts }, 'sending');
      }
    });
  }

  /**
   * Marks the row sent (WhatsApp's server acknowledged it); its `message.sent` event is emitted once that has
   * committed. A receipt may have moved the row on already (delivered, read, failed): its status then stays,
   * only what the send returned is stored, and it left the queue with that receipt (see `settled`).
   */
  private async markSent(
    row: MessageEntity,
    result: { waMessageId: string; timestamp: number; payload?: string | null; messageSecret?: string },
  ): Promise<void> {
    const sent: Partial<MessageEntity> = {
      sentAt: Date.now(),
      waTimestamp: result.timestamp,
      waPayload: result.payload ?? null,
      ...(result.messageSecret ? { messageSecret: result.messageSecret } : {}),
    };
    // The id was chosen when the message was queued; setting it again would rewrite its unique index entry.
    if (result.waMessageId !== row.waMessageId) sent.waMessageId = result.waMessageId;
    const patch: Partial<MessageEntity> = { status: 'sent', ...sent };
    const { store, events, fence } = this;
    const event = await store.write(function* () {
      yield* fence.check(row.sessionId);
      if (row.type === 'reaction') yield* putOwnReaction(store, row, sent.sentAt!);
      if (!(yield* store.update(row.seq, patch, 'sending'))) {
        yield* store.update(row.seq, sent);
        return null;
      }
      Object.assign(row, patch);
      return yield* events.message('message.sent', row);
    });
    if (!event) return;
    this.pending.set(row.sessionId, Math.max(0, this.depth(row.sessionId) - 1));
    this.events.emit([event]);
  }

  /** Fails the row (only if it is still `expected`); returns whether it did. */
  private async fail(row: MessageEntity, previous: 'queued' | 'sending', reason: string): Promise<boolean> {
    const now = Date.now();
    const expected = row.status === 'sending' ? 'sending' : 'queued';
    const { store, events, fence } = this;
    const event = await store.write(function* () {
      // A send's failure is its owner's to record; a queued row past its expiry may fail on any node.
      if (expected === 'sending') yield* fence.check(row.sessionId);
      const patch = { status: 'failed' as const, error: reason, failedAt: now };
      if (!(yield* store.update(row.seq, patch, expected))) return null;
      Object.assign(row, patch);
      return yield* events.status(row, previous, now);
    });
    if (!event) return false;
    this.pending.set(row.sessionId, Math.max(0, this.depth(row.sessionId) - 1));
    this.events.emit([event]);
    return true;
  }

  /** Queued messages past their expiry fail visibly even while their session stays disconnected. */
  private async expireStale(): Promise<void> {
    for (const row of await this.store.expired(Date.now(), 500)) {
      await this.expire(row);
    }
  }

  private async expire(row: MessageEntity): Promise<void> {
    if (await this.fail(row, 'queued', EXPIRED_ERROR)) {
      this.logger.warn(`[${row.sessionId}] queued message ${row.id} expired: not sent within SEND_EXPIRY_MS`);
    }
  }

  private async resolveRef(sessionId: string, id: string, chatJid: string): Promise<QuotedRef> {
    const row = await this.store.find(sessionId, id);
    if (!row?.waMessageId) return { waMessageId: id, chatJid, fromMe: false };
    return {
      waMessageId: row.waMessageId,
      chatJid: row.chatJid,
      fromMe: row.direction === 'out',
      participantJid: row.chatType === 'group' ? row.senderJid : null,
      text: row.text,
    };
  }
}
