import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import * as os from 'node:os';
import { AppConfig } from '../config/app-config';
import { DomainEvent, EVENT_TYPES, newEvent } from '../events/domain-event';
import { EventBus } from '../events/event-bus';
import { attemptResult, WEBHOOK_ATTEMPT_FINISHED, WebhookAttemptFinishedEvent } from './attempt-events';
import { AttemptOutcome, ClaimedDelivery, DeliveryStore, EndpointRow } from './delivery.store';
import { EndpointSecrets } from './endpoint-secrets';
import { postWebhook } from './http-poster';
import { DeliveryHandoff, HandedOver, OutboxWriter } from './outbox.writer';
import { nextDelayMs, parseRetryAfter } from './retry-schedule';
import { createGuardedAgents } from '../common/net/guarded-agents';
import { signatureHeaders } from './signer';
import { Sql, SqlDatabase } from '../database/sql/sql';
import { WebhookSettings } from './webhook-settings';

/** Payload of `webhook.endpoint_disabled`. */
export interface EndpointDisabledData {
  endpointId: string;
  url: string;
  reason: 'gone' | 'failing';
  disabledAt: string;
}

/**
 * Posts deliveries. The common case never touches the queue: the outbox writer writes a new row already leased
 * to this worker (when the endpoint has a free slot and the first attempt is due at once) and hands it over in
 * memory; the worker posts it when the event is emitted after commit. Everything else (no free slot, retries,
 * rows of other processes, leases that ran out after a crash) is found by the claim cycle: woken by events whose
 * transaction wrote pending rows, and by a timer; each cycle claims due rows per enabled endpoint, up to its
 * free concurrency, with a lease. Each attempt is then recorded and the row moved on (delivered, retried later,
 * or failed), unless the lease was lost meanwhile (compare-and-swap on the owner). Ordering is not promised.
 */
@Injectable()
export class DeliveryWorker implements OnApplicationBootstrap, OnModuleDestroy, DeliveryHandoff {
  private readonly logger = new Logger(DeliveryWorker.name);
  readonly owner = `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  /** Emits `attempt` with the delivery id after each recorded attempt (used by POST .../test). */
  readonly attempts = new EventEmitter();
  private readonly store = new DeliveryStore();
  private readonly agents;
  private readonly inflight = new Map<string, number>();
  private readonly running = new Set<Promise<void>>();
  private started = false;
  private stopping = false;
  private looping = false;
  private loopDone: Promise<void> = Promise.resolve();
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private lastPrune = 0;
  /** Rows handed over by the outbox writer, by event, until the event is emitted (after its commit). */
  private readonly handedOver = new Map<string, { rows: HandedOver[]; at: number }>();
  /**
   * After each event: post what was handed over for it, and look for work only if its transaction also wrote
   * pending rows (most events have nothing for webhooks at all).
   */
  private readonly wake = (event?: DomainEvent) => {
    const handed = event?.id ? this.handedOver.get(event.id) : undefined;
    if (handed) {
      this.handedOver.delete(event!.id);
      for (const row of handed.rows) this.startHandedOver(row);
    }
    if (this.outbox.takeWrittenDeliveries()) this.kick();
  };

  constructor(
    private readonly sql: SqlDatabase,
    private readonly settings: WebhookSettings,
    private readonly eventBus: EventBus,
    private readonly emitter: EventEmitter2,
    private readonly config: AppConfig,
    private readonly outbox: OutboxWriter,
    private readonly endpointSecrets: EndpointSecrets,
  ) {
    this.agents = createGuardedAgents(settings.policy, settings.concurrency * 4);
    this.attempts.setMaxListeners(0);
  }

  onApplicationBootstrap(): void {
    for (const type of EVENT_TYPES) this.emitter.on(type, this.wake);
    this.started = true;
    this.outbox.setHandoff(this);
    this.kick();
  }

  reserve(endpointId: string, now: number): { owner: string; leaseUntil: number } | null {
    if (!this.started || this.stopping) return null;
    const busy = this.inflight.get(endpointId) ?? 0;
    if (busy >= this.settings.concurrency) return null;
    this.inflight.set(endpointId, busy + 1);
    return { owner: this.owner, leaseUntil: now + this.settings.leaseMs };
  }

  unreserve(endpointId: string): void {
    this.inflight.set(endpointId, Math.max(0, (this.inflight.get(endpointId) ?? 1) - 1));
  }

  handOver(eventId: string, rows: HandedOver[]): void {
    // The same event written again in one process means the first try was rolled back without a rollback hook
    // (inside an asynchronous transaction): its rows never existed, so its slots are free again.
    this.cancel(eventId);
    this.handedOver.set(eventId, { rows, at: Date.now() });
  }

  cancel(eventId: string): void {
    const handed = this.handedOver.get(eventId);
    if (!handed) return;
    this.handedOver.delete(eventId);
    for (const row of handed.rows) this.unreserve(row.endpointId);
  }

  /** Posts a handed-over row (its slot is already taken). */
  private startHandedOver(row: HandedOver): void {
    void this.sql
      .read(() => this.store.endpoint(row.endpointId))
      .then(
        (endpoint) => this.postHandedOver(row, endpoint),
        (err: Error) => {
          this.logger.warn(`Could not read webhook endpoint ${row.endpointId}: ${err.message}`);
          this.unreserve(row.endpointId);
        },
      );
  }

  private postHandedOver(row: HandedOver, endpoint: EndpointRow | undefined): void {
    if (!endpoint || !endpoint.enabled || this.stopping) {
      // Its lease runs out and it waits like any other row of the endpoint (or is released at shutdown).
      this.unreserve(row.endpointId);
      return;
    }
    const delivery = {
      id: row.deliveryId,
      eventId: row.eventId,
      endpointId: row.endpointId,
      attempts: 0,
      runAttempts: 0,
      runLimit: null,
    };
    this.start({ delivery, endpoint, payload: row.payload });
  }

  /**
   * Hand-overs whose event never came give their slots back: a rollback normally cancels them at once, this
   * catches one written inside a transaction that has no rollback hook (an asynchronous TypeORM transaction).
   */
  private dropStaleHandOvers(now: number): void {
    for (const [eventId, { at }] of this.handedOver)
      if (now - at >= this.settings.leaseMs) this.cancel(eventId);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    this.outbox.setHandoff(null);
    for (const type of EVENT_TYPES) this.emitter.off(type, this.wake);
    if (!this.started) return;
    this.started = false; // a second close has nothing to release (the database may be closed by then)
    const deadline = new Promise((resolve) => setTimeout(resolve, this.config.SHUTDOWN_TIMEOUT_MS).unref());
    await Promise.race([Promise.allSettled([...this.running, this.loopDone]), deadline]);
    const released = await this.sql.write(() => this.store.release(this.owner, Date.now()));
    if (released) this.logger.log(`Released ${released} webhook deliveries still in flight at shutdown`);
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  /** Looks for due work now (coalesces concurrent calls). */
  kick(): void {
    if (!this.started || this.stopping) return;
    if (this.looping) {
      this.again = true;
      return;
    }
    this.looping = true;
    this.loopDone = new Promise<void>((resolve) => setImmediate(() => void this.loop().finally(resolve)));
  }

  private async loop(): Promise<void> {
    try {
      do {
        this.again = false;
        if (this.stopping) break;
        // The claim shares a commit with whatever else is being written in this turn (group commit).
        const claimed = await this.sql.write(() => this.claimDue());
        for (const work of claimed) this.dispatch(work);
      } while (this.again && !this.stopping);
      if (!this.stopping) await this.pruneIfDue();
    } catch (err) {
      this.logger.error(`Webhook delivery cycle failed: ${(err as Error).message}`);
    } finally {
      this.looping = false;
      void this.scheduleNext();
    }
  }

  /** Inside one transaction: claims due rows per enabled endpoint, up to its free concurrency, with a lease. */
  private *claimDue(): Sql<Claimed[]> {
    const now = Date.now();
    const out: Claimed[] = [];
    for (const endpointId of yield* this.store.dueEndpoints(now)) {
      const free = this.settings.concurrency - (this.inflight.get(endpointId) ?? 0);
      if (free <= 0) continue;
      const endpoint = yield* this.store.endpoint(endpointId);
      if (!endpoint || !endpoint.enabled) continue;
      const claimed = yield* this.store.claim(endpointId, this.owner, now, now + this.settings.leaseMs, free);
      if (!claimed.length) continue;
      const payloads = yield* this.store.payloads([...new Set(claimed.map((c) => c.eventId))]);
      for (const delivery of claimed) {
        const payload = payloads.get(delivery.eventId);
        if (payload !== undefined) out.push({ delivery, endpoint, payload });
      }
    }
    return out;
  }

  /** Starts one attempt of a claimed delivery (after the claim committed). */
  private dispatch(work: Claimed): void {
    const endpointId = work.endpoint.id;
    this.inflight.set(endpointId, (this.inflight.get(endpointId) ?? 0) + 1);
    this.start(work);
  }

  /** Runs one attempt in a slot already counted in `inflight`. */
  private start({ delivery, endpoint, payload }: Claimed): void {
    const endpointId = endpoint.id;
    let delivered = false;
    const run = this.attempt(delivery, endpoint, payload)
      .then((ok) => void (delivered = ok))
      .finally(() => {
        this.running.delete(run);
        const wasFull = (this.inflight.get(endpointId) ?? 1) >= this.settings.concurrency;
        this.inflight.set(endpointId, (this.inflight.get(endpointId) ?? 1) - 1);
        // Look again when rows may be waiting for this slot, or when this one needs its retry timed; a
        // delivery that simply succeeded leaves nothing to do (new rows wake the worker themselves).
        if (wasFull || !delivered) this.kick();
      });
    this.running.add(run);
  }

  private async scheduleNext(): Promise<void> {
    if (this.stopping || !this.started) return;
    clearTimeout(this.timer);
    if (this.handedOver.size) this.dropStaleHandOvers(Date.now());
    let delay = this.settings.pollIntervalMs;
    try {
      const next = await this.sql.read(() => this.store.nextDueAt());
      if (next !== null && next > Date.now()) delay = Math.min(delay, next - Date.now() + 1);
    } catch (err) {
      this.logger.warn(`Could not read the next due webhook delivery: ${(err as Error).message}`);
    }
    if (this.stopping || this.looping) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.kick(), Math.max(delay, 1));
    this.timer.unref();
  }

  private secrets(endpoint: EndpointRow, now: number): string[] {
    const secrets = [endpoint.secret];
    if (endpoint.previous_secret && (endpoint.previous_secret_expires_at ?? 0) > now) {
      secrets.push(endpoint.previous_secret);
    }
    return secrets;
  }

  /** One attempt, recorded; resolves whether the delivery succeeded. */
  private async attempt(delivery: ClaimedDelivery, stored: EndpointRow, payload: string): Promise<boolean> {
    const startedAt = Date.now();
    let outcome: AttemptOutcome;
    let gone = false;
    try {
      const endpoint = this.endpointSecrets.openRow(stored);
      const headers = {
        ...(JSON.parse(endpoint.headers) as Record<string, string>),
        ...signatureHeaders(
          delivery.eventId,
          payload,
          this.secrets(endpoint, startedAt),
          new Date(startedAt),
        ),
      };
      const result = await postWebhook(endpoint.url, payload, headers, this.settings.timeoutMs, this.agents);
      const success = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
      gone = result.statusCode === 410;
      let retryAt: number | null = null;
      if (!success && !gone) {
        let delay = nextDelayMs(delivery.runAttempts + 1, this.settings.schedule, delivery.runLimit);
        const retryAfter =
          result.statusCode === 429 || result.statusCode === 503
            ? parseRetryAfter(result.retryAfter)
            : undefined;
        if (delay !== null && retryAfter !== undefined) delay = retryAfter;
        retryAt = delay === null ? null : Date.now() + delay;
      }
      outcome = {
        startedAt,
        durationMs: result.durationMs,
        statusCode: result.statusCode,
        response: result.response,
        error: result.error ?? (success ? null : `HTTP ${result.statusCode}`),
        success,
        retryAt,
      };
    } catch (err) {
      const delay = nextDelayMs(delivery.runAttempts + 1, this.settings.schedule, delivery.runLimit);
      outcome = {
        startedAt,
        durationMs: Date.now() - startedAt,
        statusCode: null,
        response: null,
        error: (err as Error).message,
        success: false,
        retryAt: delay === null ? null : Date.now() + delay,
      };
    }
    await this.record(delivery, stored, outcome, gone);
    return outcome.success;
  }

  private async record(
    delivery: ClaimedDelivery,
    endpoint: EndpointRow,
    outcome: AttemptOutcome,
    gone: boolean,
  ): Promise<void> {
    const now = Date.now();
    let reason: 'gone' | 'failing' | null = null;
    if (gone) reason = 'gone';
    else if (!outcome.success) {
      const since = endpoint.failing_since ?? outcome.startedAt;
      if (now - since >= this.settings.disableAfterMs) reason = 'failing';
    }
    this.emitter.emit(WEBHOOK_ATTEMPT_FINISHED, {
      endpointId: endpoint.id,
      result: gone ? 'failed' : attemptResult(outcome),
      seconds: outcome.durationMs / 1000,
    } satisfies WebhookAttemptFinishedEvent);
    let held: boolean;
    let disabled = false;
    try {
      // Attempts finishing together share one commit (group commit).
      const { store, owner } = this;
      [held, disabled] = await this.sql.write(function* () {
        const completed = yield* store.complete(delivery, owner, outcome, now);
        return [completed, reason !== null && (yield* store.disable(endpoint.id, reason, now))] as const;
      });
    } catch (err) {
      // The lease runs out and another cycle retries the delivery: nothing is lost.
      this.logger.error(`Could not record webhook delivery ${delivery.id}: ${(err as Error).message}`);
      return;
    }
    if (!held)
      this.logger.warn(`Lease on webhook delivery ${delivery.id} was lost before its attempt finished`);
    if (!outcome.success) {
      this.logger.debug(
        `Webhook delivery ${delivery.id} to endpoint ${endpoint.id} failed: ${outcome.error ?? outcome.statusCode}`,
      );
    }
    this.attempts.emit('attempt', delivery.id);
    if (disabled && reason) {
      this.outbox.invalidate();
      await this.announceDisabled(endpoint, reason, now);
    }
  }

  private async announceDisabled(
    endpoint: EndpointRow,
    reason: 'gone' | 'failing',
    now: number,
  ): Promise<void> {
    this.logger.warn(
      `Webhook endpoint ${endpoint.id} disabled: ${reason === 'gone' ? 'it answered 410 Gone' : 'it kept failing'}`,
    );
    const data: EndpointDisabledData = {
      endpointId: endpoint.id,
      url: endpoint.url,
      reason,
      disabledAt: new Date(now).toISOString(),
    };
    try {
      await this.eventBus.publish(newEvent('webhook.endpoint_disabled', null, data));
    } catch (err) {
      this.logger.error(`Could not publish webhook.endpoint_disabled: ${(err as Error).message}`);
    }
  }

  private async pruneIfDue(): Promise<void> {
    const now = Date.now();
    if (now - this.lastPrune < 3600_000) return;
    this.lastPrune = now;
    const removed = await this.sql.write(() => this.store.prune(now - this.settings.retentionMs));
    if (removed) this.logger.log(`Removed ${removed} webhook events older than the retention period`);
  }
}

interface Claimed {
  delivery: ClaimedDelivery;
  endpoint: EndpointRow;
  payload: string;
}
