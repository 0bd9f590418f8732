import { Injectable } from '@nestjs/common';
import { all, get, SqlDatabase } from '../database/sql/sql';

/**
 * The reads behind the gauges computed at scrape time. Each walks an index over the rows it counts (the waiting
 * sends of one session, the open deliveries of one endpoint), never a whole table.
 */
@Injectable()
export class ScrapeQueries {
  constructor(private readonly sql: SqlDatabase) {}

  /** When the session's oldest message still waiting to be sent (queued, or claimed and not sent) was accepted. */
  async oldestUnsentAt(sessionId: string): Promise<number | null> {
    const row = await this.sql.read(() =>
      get<{ at: number | string | null }>(
        `SELECT MIN(created_at) AS at FROM (
           SELECT created_at FROM (SELECT created_at FROM messages WHERE session_id = ? AND status = 'queued'
                                    ORDER BY seq LIMIT 1) AS q
           UNION ALL
           SELECT created_at FROM (SELECT created_at FROM messages WHERE session_id = ? AND status = 'sending'
                                    ORDER BY seq LIMIT 1) AS s) AS w`,
        [sessionId, sessionId],
      ),
    );
    return row?.at == null ? null : Number(row.at);
  }

  /** Every endpoint with its deliveries waiting or in flight, and whether it is enabled and failing. */
  async endpoints(): Promise<{ id: string; enabled: boolean; failing: boolean; open: number }[]> {
    const rows = await this.sql.read(() =>
      all<{ id: string; enabled: number | boolean; failing: number | boolean; open: number | string }>(
        `SELECT e.id AS id, e.enabled AS enabled, e.failing_since IS NOT NULL AS failing,
                (SELECT COUNT(*) FROM webhook_deliveries d
                  WHERE d.endpoint_id = e.id AND d.status IN ('pending', 'delivering')) AS open
           FROM webhook_endpoints e`,
      ),
    );
    return rows.map((r) => ({ id: r.id, enabled: !!r.enabled, failing: !!r.failing, open: Number(r.open) }));
  }
}
