import { Injectable } from '@nestjs/common';
import type { Database, Statement } from 'better-sqlite3';
import type { EntityManager } from 'typeorm';
import type { DomainEvent } from '../events/domain-event';
import { newDeliveryId } from './delivery.store';
import { subscribes } from './event-filter';
import { withJitter } from './retry-schedule';
import { onRollback, rawDb } from '../database/serialized-transactions';
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

/**
 * The outbox half of webhooks: inside the producer's transaction, stores the event and one delivery row per
 * enabled endpoint subscribed to its type. The event is kept (for POST .../recover) whenever any endpoint,
 * enabled or not, subscribes to it; with no matching endpoint nothing is written.
 *
 * This runs for every event, so it talks to SQLite directly: TypeORM's better-sqlite3 driver has one
 * connection, so these statements are part of the caller's open transaction exactly as `em.query` would be,
 * without the query-builder overhead. The endpoint list is cached; the cache is dropped by every change made
 * in this process (`invalidate()`) and whenever another process has committed to the file (SQLite's
 * `data_version`).
 */
@Injectable()
export class OutboxWriter {
  private cache: { db: Database; version: number; endpoints: EndpointFilter[] } | null = null;
  private readonly statements = new WeakMap<Database, Map<string, Statement>>();
  private wroteDeliveries = false;
  private handoff: DeliveryHandoff | null = null;

  constructor(private readonly settings: WebhookSettings) {}

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

  /** Synchronous on purpose: it must run inside the caller's open transaction, and a failure must throw there. */
  write(em: EntityManager, event: DomainEvent, onlyEndpointId?: string): string[] {
    const db = rawDb(em.connection);
    const all = this.endpoints(db);
    const matching = onlyEndpointId
      ? all.filter((e) => e.id === onlyEndpointId)
      : all.filter((e) => subscribes(e.events, event.type));
    if (!matching.length) return [];
    const now = Date.now();
    const payload = envelope(event);
    this.stmt(
      db,
      `INSERT OR IGNORE INTO webhook_events (id, type, session, payload, created_at) VALUES (?, ?, ?, ?, ?)`,
    ).run(event.id, event.type, event.session, payload, now);
    const targets = onlyEndpointId ? matching : matching.filter((e) => e.enabled);
    if (!targets.length) return [];
    const ids = targets.map(() => newDeliveryId());
    const firstDelay = withJitter(this.settings.schedule[0]);
    // Hand-over only for events that are emitted after commit (the bus's), and only when the first attempt is
    // due at once.
    const handoff = onlyEndpointId === undefined && firstDelay <= 0 ? this.handoff : null;
    const insert = this.stmt(
      db,
      `INSERT OR IGNORE INTO webhook_deliveries
         (id, event_id, endpoint_id, event_type, status, lease_owner, next_attempt_at, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const handed: HandedOver[] = [];
    targets.forEach((t, i) => {
      const lease = handoff?.reserve(t.id, now) ?? null;
      const written =
        insert.run(
          ids[i],
          event.id,
          t.id,
          event.type,
          lease ? 'delivering' : 'pending',
          lease?.owner ?? null,
          lease ? lease.leaseUntil : now + firstDelay,
          now,
          now,
        ).changes > 0;
      if (lease && written) handed.push({ deliveryId: ids[i], eventId: event.id, endpointId: t.id, payload });
      else if (lease) handoff!.unreserve(t.id);
      else this.wroteDeliveries = true;
    });
    if (handed.length) {
      handoff!.handOver(event.id, handed);
      onRollback(() => handoff!.cancel(event.id));
    }
    return ids;
  }

  private endpoints(db: Database): EndpointFilter[] {
    // A prepared statement: db.pragma() compiles the PRAGMA again on every call, and this runs for every event.
    const version = this.stmt(db, 'PRAGMA data_version').pluck().get() as number;
    if (this.cache && this.cache.db === db && this.cache.version === version) return this.cache.endpoints;
    const rows = this.stmt(db, `SELECT id, events, enabled FROM webhook_endpoints`).all() as {
      id: string;
      events: string;
      enabled: number;
    }[];
    const endpoints = rows.map((r) => ({
      id: r.id,
      events: JSON.parse(r.events) as string[],
      enabled: !!r.enabled,
    }));
    this.cache = { db, version, endpoints };
    return endpoints;
  }

  private stmt(db: Database, sql: string): Statement {
    let cache = this.statements.get(db);
    if (!cache) this.statements.set(db, (cache = new Map()));
    let statement = cache.get(sql);
    if (!statement) cache.set(sql, (statement = db.prepare(sql)));
    return statement;
  }
}
