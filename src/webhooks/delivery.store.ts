import type { Database, Statement } from 'better-sqlite3';
import { randomUUID } from 'node:crypto';

export interface ClaimedDelivery {
  id: string;
  eventId: string;
  endpointId: string;
  attempts: number;
  runAttempts: number;
  runLimit: number | null;
}

export interface EndpointRow {
  id: string;
  url: string;
  headers: string;
  enabled: number;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: number | null;
  failing_since: number | null;
}

export interface AttemptOutcome {
  startedAt: number;
  durationMs: number;
  statusCode: number | null;
  response: string | null;
  error: string | null;
  success: boolean;
  /** When to try again; null = no more attempts (delivered or failed). */
  retryAt: number | null;
}

export function newDeliveryId(): string {
  return `whd_${randomUUID().replace(/-/g, '')}`;
}

/**
 * The delivery worker's SQL, as synchronous better-sqlite3 statements. A claim is one UPDATE ... RETURNING, so
 * two processes sharing the file never claim the same row; completing checks the lease owner (compare-and-swap),
 * so a worker whose lease ran out cannot overwrite the row another worker took over.
 */
export class DeliveryStore {
  private readonly stmts = new Map<string, Statement>();

  constructor(private readonly db: Database) {}

  private stmt(sql: string): Statement {
    let s = this.stmts.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.stmts.set(sql, s);
    }
    return s;
  }

  /** Enabled endpoints with due deliveries (pending and due, or leased by a worker whose lease has run out). */
  dueEndpoints(now: number): string[] {
    const rows = this.stmt(
      `SELECT DISTINCT d.endpoint_id AS endpointId FROM webhook_deliveries d
         JOIN webhook_endpoints e ON e.id = d.endpoint_id AND e.enabled = 1
        WHERE d.status IN ('pending', 'delivering') AND d.next_attempt_at <= ?`,
    ).all(now) as { endpointId: string }[];
    return rows.map((r) => r.endpointId);
  }

  claim(
    endpointId: string,
    owner: string,
    now: number,
    leaseUntil: number,
    limit: number,
  ): ClaimedDelivery[] {
    return this.stmt(
      `UPDATE webhook_deliveries SET status = 'delivering', lease_owner = ?, next_attempt_at = ?, updated_at = ?
        WHERE seq IN (SELECT seq FROM webhook_deliveries
                       WHERE endpoint_id = ? AND status IN ('pending', 'delivering') AND next_attempt_at <= ?
                       ORDER BY next_attempt_at, seq LIMIT ?)
        RETURNING id, event_id AS eventId, endpoint_id AS endpointId, attempts, run_attempts AS runAttempts,
                  run_limit AS runLimit`,
    ).all(owner, leaseUntil, now, endpointId, now, limit) as ClaimedDelivery[];
  }

  payloads(eventIds: string[]): Map<string, string> {
    const out = new Map<string, string>();
    for (let i = 0; i < eventIds.length; i += 200) {
      const chunk = eventIds.slice(i, i + 200);
      const rows = this.stmt(
        `SELECT id, payload FROM webhook_events WHERE id IN (${chunk.map(() => '?').join(',')})`,
      ).all(...chunk) as { id: string; payload: string }[];
      for (const r of rows) out.set(r.id, r.payload);
    }
    return out;
  }

  endpoint(id: string): EndpointRow | undefined {
    return this.stmt(
      `SELECT id, url, headers, enabled, secret, previous_secret, previous_secret_expires_at, failing_since
         FROM webhook_endpoints WHERE id = ?`,
    ).get(id) as EndpointRow | undefined;
  }

  /** Earliest time a delivery of an enabled endpoint becomes due, or null if none is waiting. */
  nextDueAt(): number | null {
    const row = this.stmt(
      `SELECT MIN(d.next_attempt_at) AS at FROM webhook_deliveries d
         JOIN webhook_endpoints e ON e.id = d.endpoint_id AND e.enabled = 1
        WHERE d.status IN ('pending', 'delivering')`,
    ).get() as { at: number | null };
    return row.at;
  }

  /**
   * Records an attempt and moves the delivery on, if this worker still holds its lease. Returns false when the
   * lease was lost (the attempt is still logged). Also tracks the endpoint's failing streak.
   */
  complete(delivery: ClaimedDelivery, owner: string, outcome: AttemptOutcome, now: number): boolean {
    return this.db.transaction(() => {
      this.stmt(
        `INSERT INTO webhook_attempts (delivery_id, attempt, started_at, duration_ms, status_code, response, error, success)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        delivery.id,
        delivery.attempts + 1,
        outcome.startedAt,
        outcome.durationMs,
        outcome.statusCode,
        outcome.response,
        outcome.error,
        outcome.success ? 1 : 0,
      );
      const status = outcome.success ? 'delivered' : outcome.retryAt === null ? 'failed' : 'pending';
      const changed = this.stmt(
        `UPDATE webhook_deliveries
            SET status = ?, attempts = attempts + 1, run_attempts = run_attempts + 1, next_attempt_at = ?,
                lease_owner = NULL, last_status_code = ?, last_error = ?, updated_at = ?,
                delivered_at = CASE WHEN ? THEN ? ELSE delivered_at END
          WHERE id = ? AND lease_owner = ? AND status = 'delivering'`,
      ).run(
        status,
        outcome.retryAt ?? now,
        outcome.statusCode,
        outcome.error,
        now,
        outcome.success ? 1 : 0,
        now,
        delivery.id,
        owner,
      ).changes;
      if (outcome.success) {
        this.stmt(
          `UPDATE webhook_endpoints SET failing_since = NULL WHERE id = ? AND failing_since IS NOT NULL`,
        ).run(delivery.endpointId);
      } else {
        this.stmt(
          `UPDATE webhook_endpoints SET failing_since = ? WHERE id = ? AND failing_since IS NULL`,
        ).run(outcome.startedAt, delivery.endpointId);
      }
      return changed === 1;
    })();
  }

  /** Disables an endpoint; true if this call did it (so the event is emitted once). */
  disable(endpointId: string, reason: 'gone' | 'failing', now: number): boolean {
    return (
      this.stmt(
        `UPDATE webhook_endpoints SET enabled = 0, disabled_reason = ?, disabled_at = ?, updated_at = ?
          WHERE id = ? AND enabled = 1`,
      ).run(reason, now, now, endpointId).changes === 1
    );
  }

  /** Hands back what this worker still holds (on shutdown), due at once for whoever runs next. */
  release(owner: string, now: number): number {
    return this.stmt(
      `UPDATE webhook_deliveries SET status = 'pending', lease_owner = NULL, next_attempt_at = ?, updated_at = ?
        WHERE lease_owner = ? AND status = 'delivering'`,
    ).run(now, now, owner).changes;
  }

  /** Deletes events older than `before` whose deliveries are all finished (cascades to deliveries and attempts). */
  prune(before: number): number {
    return this.stmt(
      `DELETE FROM webhook_events WHERE created_at < ? AND NOT EXISTS (
         SELECT 1 FROM webhook_deliveries d WHERE d.event_id = webhook_events.id
            AND d.status IN ('pending', 'delivering'))`,
    ).run(before).changes;
  }
}
