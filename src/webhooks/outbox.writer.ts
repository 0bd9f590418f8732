import { Injectable } from '@nestjs/common';
import type { Database, Statement } from 'better-sqlite3';
import type { EntityManager } from 'typeorm';
import type { DomainEvent } from '../events/domain-event';
import { newDeliveryId } from './delivery.store';
import { subscribes } from './event-filter';
import { withJitter } from './retry-schedule';
import { rawDb } from '../database/serialized-transactions';
import { WebhookSettings } from './webhook-settings';

interface EndpointFilter {
  id: string;
  events: string[];
  enabled: boolean;
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

  constructor(private readonly settings: WebhookSettings) {}

  /** Whether delivery rows were written since the last call (the worker's wake-up check after each event). */
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
    this.stmt(
      db,
      `INSERT OR IGNORE INTO webhook_events (id, type, session, payload, created_at) VALUES (?, ?, ?, ?, ?)`,
    ).run(event.id, event.type, event.session, envelope(event), now);
    const targets = onlyEndpointId ? matching : matching.filter((e) => e.enabled);
    if (!targets.length) return [];
    const ids = targets.map(() => newDeliveryId());
    const dueAt = now + withJitter(this.settings.schedule[0]);
    const insert = this.stmt(
      db,
      `INSERT OR IGNORE INTO webhook_deliveries
         (id, event_id, endpoint_id, event_type, status, next_attempt_at, created_at, updated_at)
       VALUES (?, ?, ?, ?, 'pending', ?, ?, ?)`,
    );
    targets.forEach((t, i) => insert.run(ids[i], event.id, t.id, event.type, dueAt, now, now));
    this.wroteDeliveries = true;
    return ids;
  }

  private endpoints(db: Database): EndpointFilter[] {
    const version = db.pragma('data_version', { simple: true }) as number;
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
