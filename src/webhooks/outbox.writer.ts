import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { DomainEvent } from '../events/domain-event';
import { newDeliveryId } from './delivery.store';
import { subscribes } from './event-filter';
import { withJitter } from './retry-schedule';
import { WebhookSettings } from './webhook-settings';

interface EndpointFilterRow {
  id: string;
  events: string;
  enabled: number;
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
 */
@Injectable()
export class OutboxWriter {
  private readonly parsed = new Map<string, string[]>();

  constructor(private readonly settings: WebhookSettings) {}

  async write(em: EntityManager, event: DomainEvent, onlyEndpointId?: string): Promise<string[]> {
    const rows: EndpointFilterRow[] = onlyEndpointId
      ? await em.query(`SELECT id, events, enabled FROM webhook_endpoints WHERE id = ?`, [onlyEndpointId])
      : await em.query(`SELECT id, events, enabled FROM webhook_endpoints`);
    const matching = onlyEndpointId
      ? rows
      : rows.filter((r) => subscribes(this.events(r.events), event.type));
    if (!matching.length) return [];
    const now = Date.now();
    await em.query(
      `INSERT OR IGNORE INTO webhook_events (id, type, session, payload, created_at) VALUES (?, ?, ?, ?, ?)`,
      [event.id, event.type, event.session, envelope(event), now],
    );
    const targets = matching.filter((r) => r.enabled || onlyEndpointId);
    if (!targets.length) return [];
    const ids = targets.map(() => newDeliveryId());
    const dueAt = now + withJitter(this.settings.schedule[0]);
    await em.query(
      `INSERT OR IGNORE INTO webhook_deliveries
         (id, event_id, endpoint_id, event_type, status, next_attempt_at, created_at, updated_at)
       VALUES ${targets.map(() => `(?, ?, ?, ?, 'pending', ?, ?, ?)`).join(', ')}`,
      targets.flatMap((t, i) => [ids[i], event.id, t.id, event.type, dueAt, now, now]),
    );
    return ids;
  }

  private events(json: string): string[] {
    let list = this.parsed.get(json);
    if (!list) {
      list = JSON.parse(json) as string[];
      if (this.parsed.size > 1000) this.parsed.clear();
      this.parsed.set(json, list);
    }
    return list;
  }
}
