import { randomUUID } from 'node:crypto';
import { all, execute, get, run, runExpecting, Sql } from '../database/sql/sql';

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
  enabled: number | boolean;
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
 * The delivery worker's SQL, as statements of the SQL port (parts of a transaction body, or run by `read()`).
 * A claim is one UPDATE ... RETURNING whose WHERE re-checks the row is still due, so two processes sharing the
 * database never claim the same row (on PostgreSQL the second waits for the row lock, then finds it taken);
 * completing checks the lease owner (compare-and-swap), so a worker whose lease ran out cannot overwrite the
 * row another worker took over.
 */
export class DeliveryStore {
  /** Enabled endpoints with due deliveries (pending and due, or leased by a worker whose lease has run out). */
  *dueEndpoints(now: number): Sql<string[]> {
    const rows = yield* all<{ endpointId: string }>(
      `SELECT DISTINCT d.endpoint_id AS "endpointId" FROM webhook_deliveries d
         JOIN webhook_endpoints e ON e.id = d.endpoint_id AND e.enabled = ?
        WHERE d.status IN ('pending', 'delivering') AND d.next_attempt_at <= ?`,
      [true, now],
    );
    return rows.map((r) => r.endpointId);
  }

  *claim(
    endpointId: string,
    owner: string,
    now: number,
    leaseUntil: number,
    limit: number,
  ): Sql<ClaimedDelivery[]> {
    return yield* all<ClaimedDelivery>(
      `UPDATE webhook_deliveries SET status = 'delivering', lease_owner = ?, next_attempt_at = ?, updated_at = ?
        WHERE seq IN (SELECT seq FROM webhook_deliveries
                       WHERE endpoint_id = ? AND status IN ('pending', 'delivering') AND next_attempt_at <= ?
                       ORDER BY next_attempt_at, seq LIMIT ?)
          AND status IN ('pending', 'delivering') AND next_attempt_at <= ?
        RETURNING id, event_id AS "eventId", endpoint_id AS "endpointId", attempts, run_attempts AS "runAttempts",
                  run_limit AS "runLimit"`,
      [owner, leaseUntil, now, endpointId, now, limit, now],
    );
  }

  *payloads(eventIds: string[]): Sql<Map<string, string>> {
    const out = new Map<string, string>();
    for (let i = 0; i < eventIds.length; i += 200) {
      const chunk = eventIds.slice(i, i + 200);
      const rows = yield* all<{ id: string; payload: string }>(
        `SELECT id, payload FROM webhook_events WHERE id IN (${chunk.map(() => '?').join(',')})`,
        chunk,
      );
      for (const r of rows) out.set(r.id, r.payload);
    }
    return out;
  }

  *endpoint(id: string): Sql<EndpointRow | undefined> {
    return yield* get<EndpointRow>(
      `SELECT id, url, headers, enabled, secret, previous_secret, previous_secret_expires_at, failing_since
         FROM webhook_endpoints WHERE id = ?`,
      [id],
    );
  }

  /** Earliest time a delivery of an enabled endpoint becomes due, or null if none is waiting. */
  *nextDueAt(): Sql<number | null> {
    const row = yield* get<{ at: number | string | null }>(
      `SELECT MIN(d.next_attempt_at) AS at FROM webhook_deliveries d
         JOIN webhook_endpoints e ON e.id = d.endpoint_id AND e.enabled = ?
        WHERE d.status IN ('pending', 'delivering')`,
      [true],
    );
    return row?.at == null ? null : Number(row.at);
  }

  /**
   * Records an attempt and moves the delivery on, if this worker still holds its lease. Returns false when the
   * lease was lost (the attempt is still logged). Also tracks the endpoint's failing streak.
   */
  *complete(delivery: ClaimedDelivery, owner: string, outcome: AttemptOutcome, now: number): Sql<boolean> {
    yield* execute(
      `INSERT INTO webhook_attempts (delivery_id, attempt, started_at, duration_ms, status_code, response, error, success)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        delivery.id,
        delivery.attempts + 1,
        outcome.startedAt,
        outcome.durationMs,
        outcome.statusCode,
        outcome.response,
        outcome.error,
        outcome.success,
      ],
    );
    const status = outcome.success ? 'delivered' : outcome.retryAt === null ? 'failed' : 'pending';
    const changed = yield* runExpecting(
      `UPDATE webhook_deliveries
          SET status = ?, attempts = attempts + 1, run_attempts = run_attempts + 1, next_attempt_at = ?,
              lease_owner = NULL, last_status_code = ?, last_error = ?, updated_at = ?,
              delivered_at = CASE WHEN ? THEN ? ELSE delivered_at END
        WHERE id = ? AND lease_owner = ? AND status = 'delivering'`,
      [
        status,
        outcome.retryAt ?? now,
        outcome.statusCode,
        outcome.error,
        now,
        outcome.success,
        now,
        delivery.id,
        owner,
      ],
      1,
    );
    if (outcome.success) {
      yield* execute(
        `UPDATE webhook_endpoints SET failing_since = NULL WHERE id = ? AND failing_since IS NOT NULL`,
        [delivery.endpointId],
      );
    } else {
      yield* execute(
        `UPDATE webhook_endpoints SET failing_since = ? WHERE id = ? AND failing_since IS NULL`,
        [outcome.startedAt, delivery.endpointId],
      );
    }
    return changed === 1;
  }

  /** Disables an endpoint; true if this call did it (so the event is emitted once). */
  *disable(endpointId: string, reason: 'gone' | 'failing', now: number): Sql<boolean> {
    const changed = yield* run(
      `UPDATE webhook_endpoints SET enabled = ?, disabled_reason = ?, disabled_at = ?, updated_at = ?
        WHERE id = ? AND enabled = ?`,
      [false, reason, now, now, endpointId, true],
    );
    return changed === 1;
  }

  /** Hands back what this worker still holds (on shutdown), due at once for whoever runs next. */
  *release(owner: string, now: number): Sql<number> {
    return yield* run(
      `UPDATE webhook_deliveries SET status = 'pending', lease_owner = NULL, next_attempt_at = ?, updated_at = ?
        WHERE lease_owner = ? AND status = 'delivering'`,
      [now, now, owner],
    );
  }

  /** Deletes events older than `before` whose deliveries are all finished (cascades to deliveries and attempts). */
  *prune(before: number): Sql<number> {
    return yield* run(
      `DELETE FROM webhook_events WHERE created_at < ? AND NOT EXISTS (
         SELECT 1 FROM webhook_deliveries d WHERE d.event_id = webhook_events.id
            AND d.status IN ('pending', 'delivering'))`,
      [before],
    );
  }
}
