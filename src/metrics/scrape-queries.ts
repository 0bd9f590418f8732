import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Statement } from 'better-sqlite3';
import { DataSource } from 'typeorm';
import { rawDb } from '../database/serialized-transactions';

/**
 * The reads behind the gauges computed at scrape time, on SQLite. Each walks an index over the rows it counts
 * (the waiting sends of one session, the open deliveries of one endpoint), never a whole table.
 */
@Injectable()
export class ScrapeQueries {
  private readonly statements = new Map<string, Statement>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private stmt(sql: string): Statement {
    let s = this.statements.get(sql);
    if (!s) this.statements.set(sql, (s = rawDb(this.dataSource).prepare(sql)));
    return s;
  }

  /** When the session's oldest message still waiting to be sent (queued, or claimed and not sent) was accepted. */
  oldestUnsentAt(sessionId: string): number | null {
    const row = this.stmt(
      `SELECT MIN(created_at) AS at FROM (
         SELECT created_at FROM (SELECT created_at FROM messages WHERE session_id = ? AND status = 'queued'
                                  ORDER BY seq LIMIT 1)
         UNION ALL
         SELECT created_at FROM (SELECT created_at FROM messages WHERE session_id = ? AND status = 'sending'
                                  ORDER BY seq LIMIT 1))`,
    ).get(sessionId, sessionId) as { at: number | null };
    return row.at;
  }

  /** Every endpoint with its deliveries waiting or in flight, and whether it is enabled and failing. */
  endpoints(): { id: string; enabled: boolean; failing: boolean; open: number }[] {
    const rows = this.stmt(
      `SELECT e.id AS id, e.enabled AS enabled, e.failing_since IS NOT NULL AS failing,
              (SELECT COUNT(*) FROM webhook_deliveries d
                WHERE d.endpoint_id = e.id AND d.status IN ('pending', 'delivering')) AS open
         FROM webhook_endpoints e`,
    ).all() as { id: string; enabled: number; failing: number; open: number }[];
    return rows.map((r) => ({ id: r.id, enabled: !!r.enabled, failing: !!r.failing, open: r.open }));
  }
}
