import { Injectable } from '@nestjs/common';
import { all, execute, get, onRollback, runExpecting, Sql, SqlDatabase } from '../database/sql/sql';
import type { DomainEvent } from '../events/domain-event';
import { newDeliveryId } from './delivery.store';
import { subscribes } from './event-filter';
import { withJitter } from './retry-schedule';
import { WebhookSettings } from './webhook-settings';

interface EndpointFilter {
  id: string;
  events: string[];
  enabled: boolean;
}

/** A delivery row written already leased to this process's worker, to post as soon as its event is emitted. */
export interface HandedOver {
  deliveryId: string;
  eventId: string;
  endpointId: string;
  payload: string;
}

/**
 * The delivery worker's side of the hand-over (set by the worker at start): a delivery that can be attempted at
 * once is written leased to the worker and handed over in memory, so the worker neither claims it with an
 * UPDATE nor reads its payload back; the row and its lease keep it safe if this process dies first.
 */
export interface DeliveryHandoff {
  /** Takes a free slot of the endpoint's concurrency now; null when none is free (the row waits as pending). */
  reserve(endpointId: string, now: number): { owner: string; leaseUntil: number } | null;
  /** The rows leased in the open transaction, keyed by event: posted once the event is emitted after commit. */
  handOver(eventId: string, rows: HandedOver[]): void;
  /** Gives back a slot reserved for a row that was not written. */
  unreserve(endpointId: string): void;
  /** The transaction of the event's hand-over rolled back: its rows never existed. */
  cancel(eventId: string): void;
}

/** The webhook envelope, serialised once: every attempt sends these exact bytes. */
export function envelope(event: DomainEvent): string {
  return JSON.stringify({
    id: event.id,
    type: event.type,
    session: event.session,
    timestamp: event.timestamp,
    data: event.data,
  });
}

/** How long PostgreSQL's endpoint list is trusted without a look at the table (changes made elsewhere). */
const ENDPOINTS_TTL_MS = 1000;

/**
 * The outbox half of webhooks: inside the producer's transaction, stores the event and one delivery row per
 * enabled endpoint subscribed to its type. The event is kept (for POST .../recover) whenever any endpoint,
 * enabled or not, subscribes to it; with no matching endpoint nothing is written.
 *
 * This runs for every event, so the endpoint list is cached. The cache is dropped by every change made in this
 * process (`invalidate()`), and on SQLite whenever another process has committed to the file (SQLite's
 * `data_version`); on PostgreSQL it is read again when older than a second (another gateway process on the same
 * database changed an endpoint).
 */
@Injectable()
export class OutboxWriter {
  private cache: { version: number; at: number; endpoints: EndpointFilter[] } | null = null;
  private wroteDeliveries = false;
  private handoff: DeliveryHandoff | null = null;

  constructor(
    private readonly settings: WebhookSettings,
    private readonly sql: SqlDatabase,
  ) {}

  setHandoff(handoff: DeliveryHandoff | null): void {
    this.handoff = handoff;
  }

  /** Whether pending delivery rows were written since the last call (the worker's wake-up check after each event). */
  takeWrittenDeliveries(): boolean {
    const wrote = this.wroteDeliveries;
    this.wroteDeliveries = false;
    return wrote;
  }

  /** Call after changing webhook_endpoints in this process. */
  invalidate(): void {
    this.cache = null;
  }

  /** Part of the producer's transaction body (`yield*`): a failure throws there and rolls the event back. */
  *write(event: DomainEvent, onlyEndpointId?: string): Sql<string[]> {
    const all = yield* this.endpoints();
    const matching = onlyEndpointId
      ? all.filter((e) => e.id === onlyEndpointId)
      : all.filter((e) => subscribes(e.events, event.type));
    if (!matching.length) return [];
    const now = Date.now();
    const payload = envelope(event);
    yield* execute(
      `INSERT INTO webhook_events (id, type, session, payload, created_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT DO NOTHING`,
      [event.id, event.type, event.session, payload, now],
    );
    const targets = onlyEndpointId ? matching : matching.filter((e) => e.enabled);
    if (!targets.length) return [];
    const ids = targets.map(() => newDeliveryId());
    const firstDelay = withJitter(this.settings.schedule[0]);
    // Hand-over only for events that are emitted after commit (the bus's), and only when the first attempt is
    // due at once.
    const handoff = onlyEndpointId === undefined && firstDelay <= 0 ? this.handoff : null;
    const handed: HandedOver[] = [];
    for (const [i, t] of targets.entries()) {
      const lease = handoff?.reserve(t.id, now) ?? null;
      const written =
        (yield* runExpecting(
          `INSERT INTO webhook_deliveries
             (id, event_id, endpoint_id, event_type, status, lease_owner, next_attempt_at, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
          [
            ids[i],
            event.id,
            t.id,
            event.type,
            lease ? 'delivering' : 'pending',
            lease?.owner ?? null,
            lease ? lease.leaseUntil : now + firstDelay,
            now,
            now,
          ],
          1,
        )) > 0;
      if (lease && written) handed.push({ deliveryId: ids[i], eventId: event.id, endpointId: t.id, payload });
      else if (lease) handoff!.unreserve(t.id);
      else this.wroteDeliveries = true;
    }
    if (handed.length) {
      handoff!.handOver(event.id, handed);
      yield* onRollback(() => handoff!.cancel(event.id));
    }
    return ids;
  }

  private *endpoints(): Sql<EndpointFilter[]> {
    const now = Date.now();
    let version = 0;
    if (this.sql.engine === 'sqlite') {
      version = (yield* get<{ data_version: number }>('PRAGMA data_version'))!.data_version;
      if (this.cache && this.cache.version === version) return this.cache.endpoints;
    } else if (this.cache && now - this.cache.at < ENDPOINTS_TTL_MS) return this.cache.endpoints;
    const rows = yield* all<{ id: string; events: string; enabled: number | boolean }>(
      `SELECT id, events, enabled FROM webhook_endpoints`,
    );
    const endpoints = rows.map((r) => ({
      id: r.id,
      events: JSON.parse(r.events) as string[],
      enabled: !!r.enabled,
    }));
    this.cache = { version, at: now, endpoints };
    return endpoints;
  }
}
