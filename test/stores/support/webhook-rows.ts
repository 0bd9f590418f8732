import { loadConfig } from '../../../src/config/load-config';
import { all, run, SqlDatabase } from '../../../src/database/sql/sql';
import { newEvent } from '../../../src/events/domain-event';
import type { DomainEvent } from '../../../src/events/domain-event';
import { WebhookSettings } from '../../../src/webhooks/webhook-settings';

/** The webhook settings of a gateway configured with `schedule` (WEBHOOK_RETRY_SCHEDULE). */
export function webhookSettings(schedule = '0,5,300'): WebhookSettings {
  return new WebhookSettings(loadConfig({ WEBHOOK_RETRY_SCHEDULE: schedule }, '/nonexistent/.env'));
}

/** Adds an endpoint row, as the endpoints API stores it. */
export function addEndpoint(
  sql: SqlDatabase,
  id: string,
  { events = ['*'], enabled = true }: { events?: string[]; enabled?: boolean } = {},
): Promise<number> {
  const now = Date.now();
  return sql.write(() =>
    run(
      `INSERT INTO webhook_endpoints (id, url, description, events, headers, enabled, is_default, secret, created_at, updated_at)
       VALUES (?, ?, '', ?, '{}', ?, ?, ?, ?, ?)`,
      [id, `https://example.test/${id}`, JSON.stringify(events), enabled, false, `whsec_${id}`, now, now],
    ),
  );
}

export const messageEvent = (): DomainEvent => newEvent('message.received', 's1', { text: 'hi' });

export interface DeliveryRow {
  id: string;
  eventId: string;
  endpointId: string;
  status: string;
  leaseOwner: string | null;
  nextAttemptAt: number;
  attempts: number;
  deliveredAt: number | null;
}

/** Every delivery row, oldest first. */
export function deliveries(sql: SqlDatabase): Promise<DeliveryRow[]> {
  return sql.read(() =>
    all<DeliveryRow>(
      `SELECT id, event_id AS "eventId", endpoint_id AS "endpointId", status, lease_owner AS "leaseOwner",
              next_attempt_at AS "nextAttemptAt", attempts, delivered_at AS "deliveredAt"
         FROM webhook_deliveries ORDER BY seq`,
    ),
  );
}

/** Ids of the stored events, oldest first. */
export async function eventIds(sql: SqlDatabase): Promise<string[]> {
  const rows = await sql.read(() => all<{ id: string }>('SELECT id FROM webhook_events ORDER BY seq'));
  return rows.map((r) => r.id);
}

/** How many rows a table holds. */
export async function count(sql: SqlDatabase, table: string): Promise<number> {
  const rows = await sql.read(() => all<{ n: number | string }>(`SELECT COUNT(*) AS n FROM ${table}`));
  return Number(rows[0].n);
}
