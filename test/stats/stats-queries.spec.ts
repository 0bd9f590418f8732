import type { Database } from 'better-sqlite3';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { rawDb } from '../../src/database/serialized-transactions';
import { sqlDatabaseFor } from '../../src/database/sql/database-for';
import type { SqlDatabase } from '../../src/database/sql/sql';
import { resolveStatsRange, StatsRange } from '../../src/stats/stats-range';
import { StatsQueries } from '../../src/stats/stats.queries';

/** Medium test: the stats queries on a real, migrated SQLite file with known rows. */
describe('StatsQueries on SQLite', () => {
  const T0 = Date.parse('2026-11-10T00:00:00Z');
  const H = 3_600_000;
  let dir: string;
  let ds: DataSource;
  let db: Database;
  let q: StatsQueries;
  let sql: SqlDatabase;
  let seq = 0;

  function message(
    session: string,
    direction: 'in' | 'out',
    status: string,
    createdAt: number,
    error?: string,
  ) {
    seq++;
    db.prepare(
      `INSERT INTO messages (id, session_id, direction, chat_jid, chat_type, type, status, source, created_at, error)
       VALUES (?, ?, ?, '628111@s.whatsapp.net', 'user', 'text', ?, 'api', ?, ?)`,
    ).run(`msg_${seq}`, session, direction, status, createdAt, error ?? null);
    return seq;
  }

  function attempt(deliveryId: string, startedAt: number, durationMs: number, success: boolean) {
    db.prepare(
      `INSERT INTO webhook_attempts (delivery_id, attempt, started_at, duration_ms, status_code, success)
       VALUES (?, 1, ?, ?, ?, ?)`,
    ).run(deliveryId, startedAt, durationMs, success ? 200 : 500, success ? 1 : 0);
  }

  function range(from: string, to: string, bucket: 'hour' | 'day'): StatsRange {
    const r = resolveStatsRange({ from, to, bucket }, T0);
    if (!r.ok) throw new Error(JSON.stringify(r.details));
    return r.range;
  }

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stats-'));
    ds = await new DataSource(dataSourceOptions(path.join(dir, 'gateway.db'))).initialize();
    db = rawDb(ds);
    q = new StatsQueries('sqlite');
    sql = sqlDatabaseFor(ds);
    db.prepare(
      `INSERT INTO sessions (id, status, created_at, updated_at) VALUES ('alpha', 'connected', 0, 0), ('beta', 'connected', 0, 0)`,
    ).run();

    // 00:00 hour: alpha 2 in, 4 out (read, delivered, sent, failed); beta 1 in, 1 out read
    message('alpha', 'in', 'received', T0);
    message('alpha', 'in', 'received', T0 + H - 1); // last millisecond of the first hour
    message('alpha', 'out', 'read', T0 + 10);
    const delivered = message('alpha', 'out', 'sent', T0 + 20);
    message('alpha', 'out', 'sent', T0 + 30);
    message('alpha', 'out', 'failed', T0 + 40, 'recipient is not on WhatsApp');
    message('beta', 'in', 'received', T0 + 50);
    message('beta', 'out', 'read', T0 + 60);
    // 01:00 hour (the edge): alpha 1 out failed (another reason), 1 out failed (first reason), 1 queued
    message('alpha', 'out', 'failed', T0 + H, 'media download failed');
    message('alpha', 'out', 'failed', T0 + H + 5, 'recipient is not on WhatsApp');
    message('alpha', 'out', 'queued', T0 + H + 6);
    // next day: beta 1 in, 1 sending
    message('beta', 'in', 'received', T0 + 24 * H);
    message('beta', 'out', 'sending', T0 + 24 * H + 1);
    // a receipt after the fact moves the message from sent to delivered
    db.prepare(`UPDATE messages SET status = 'delivered' WHERE seq = ?`).run(delivered);

    db.prepare(
      `INSERT INTO webhook_endpoints (id, url, events, secret, created_at, updated_at)
       VALUES ('ep', 'http://127.0.0.1:9/hook', '["*"]', 'whsec', 0, 0)`,
    ).run();
    db.prepare(
      `INSERT INTO webhook_events (id, type, payload, created_at) VALUES ('ev1', 'message.received', '{}', ?), ('ev2', 'message.received', '{}', ?), ('ev3', 'message.received', '{}', ?)`,
    ).run(T0, T0, T0);
    const delivery = db.prepare(
      `INSERT INTO webhook_deliveries (id, event_id, endpoint_id, event_type, status, next_attempt_at, created_at, updated_at)
       VALUES (?, ?, 'ep', 'message.received', ?, 0, ?, 0)`,
    );
    delivery.run('d1', 'ev1', 'delivered', T0 + 1);
    delivery.run('d2', 'ev2', 'failed', T0 + 2);
    delivery.run('d3', 'ev3', 'pending', T0 + H + 1);
    // 00:00: 4 attempts (3 ok) of 8, 20, 30, 400 ms; 01:00: 1 failed attempt of 12000 ms
    attempt('d1', T0 + 1, 8, true);
    attempt('d1', T0 + 2, 20, true);
    attempt('d2', T0 + 3, 30, true);
    attempt('d2', T0 + 4, 400, false);
    attempt('d3', T0 + H + 1, 12_000, false);
  });

  afterAll(async () => {
    await ds?.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('counts every bucket of the window by hour, edges included, with exact rates', async () => {
    const s = await sql.read(() =>
      q.stats(range('2026-11-10T00:00:00Z', '2026-11-10T03:00:00Z', 'hour'), null, 5),
    );
    expect(s.from).toBe('2026-11-10T00:00:00.000Z');
    expect(s.to).toBe('2026-11-10T03:00:00.000Z');
    expect(s.buckets.map((b) => b.start)).toEqual([
      '2026-11-10T00:00:00.000Z',
      '2026-11-10T01:00:00.000Z',
      '2026-11-10T02:00:00.000Z',
    ]);
    expect(s.buckets[0].messages).toEqual({
      in: 3,
      out: 5,
      sent: 4,
      delivered: 3,
      read: 2,
      failed: 1,
      pending: 0,
      deliveryRate: 0.75,
      readRate: 0.5,
    });
    expect(s.buckets[1].messages).toEqual({
      in: 0,
      out: 3,
      sent: 0,
      delivered: 0,
      read: 0,
      failed: 2,
      pending: 1,
      deliveryRate: null,
      readRate: null,
    });
    expect(s.buckets[2].messages.out).toBe(0);
    expect(s.totals.messages).toMatchObject({ in: 3, out: 8, sent: 4, failed: 3, pending: 1 });
    expect(s.totals.failureReasons).toEqual([
      { reason: 'recipient is not on WhatsApp', count: 2 },
      { reason: 'media download failed', count: 1 },
    ]);
  });

  it('reads webhook success rates and latency percentiles from the histogram', async () => {
    const s = await sql.read(() =>
      q.stats(range('2026-11-10T00:00:00Z', '2026-11-10T02:00:00Z', 'hour'), null, 5),
    );
    // 8 -> <=10, 20 -> <=25, 30 -> <=50, 400 -> <=500; p50 = 2nd of 4 = 25, p95 = 4th = 500
    expect(s.buckets[0].webhooks).toEqual({
      attempts: 4,
      succeeded: 3,
      successRate: 0.75,
      p50Ms: 25,
      p95Ms: 500,
    });
    expect(s.buckets[1].webhooks).toEqual({
      attempts: 1,
      succeeded: 0,
      successRate: 0,
      p50Ms: 10000,
      p95Ms: 10000,
    });
    expect(s.totals.webhooks).toEqual({
      attempts: 5,
      succeeded: 3,
      successRate: 0.6,
      p50Ms: 50,
      p95Ms: 10000,
    });
    expect(s.totals.webhookDeliveries).toEqual({ delivered: 1, failed: 1, pending: 1, successRate: 0.5 });
  });

  it('filters by session, and shows the queue depth of that session only', async () => {
    const s = await sql.read(() =>
      q.stats(range('2026-11-10T00:00:00Z', '2026-11-12T00:00:00Z', 'day'), 'beta', 5),
    );
    expect(s.session).toBe('beta');
    expect(s.buckets.map((b) => [b.start, b.messages.in, b.messages.out])).toEqual([
      ['2026-11-10T00:00:00.000Z', 1, 1],
      ['2026-11-11T00:00:00.000Z', 1, 1],
    ]);
    expect(s.totals.messages).toMatchObject({ sent: 1, read: 1, readRate: 1, failed: 0, pending: 1 });
    expect(s.totals.failureReasons).toEqual([]);
    expect(s.queue).toEqual([{ session: 'beta', depth: 1 }]);
  });

  it('lists the queue depth of every session without a filter, and limits the reasons', async () => {
    const s = await sql.read(() =>
      q.stats(range('2026-11-10T00:00:00Z', '2026-11-12T00:00:00Z', 'day'), null, 1),
    );
    expect(s.queue).toEqual([
      { session: 'alpha', depth: 1 },
      { session: 'beta', depth: 1 },
    ]);
    expect(s.totals.failureReasons).toEqual([{ reason: 'recipient is not on WhatsApp', count: 2 }]);
    expect(s.buckets[0].messages).toMatchObject({ in: 3, out: 8 });
  });

  it('keeps the rollup equal to a GROUP BY over the messages after status changes and deletes', async () => {
    db.prepare(`UPDATE messages SET status = 'sending' WHERE status = 'queued'`).run();
    db.prepare(`DELETE FROM messages WHERE session_id = 'beta' AND direction = 'in'`).run();
    const truth = db
      .prepare(
        `SELECT session_id, direction, status, COUNT(*) AS n FROM messages GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
      )
      .all();
    for (const size of [3_600_000, 86_400_000]) {
      const rollup = db
        .prepare(
          `SELECT session_id, direction, status, SUM(count) AS n FROM message_stats WHERE size = ?
           GROUP BY 1, 2, 3 HAVING n <> 0 ORDER BY 1, 2, 3`,
        )
        .all(size);
      expect(rollup).toEqual(truth);
    }
    db.prepare(`UPDATE webhook_deliveries SET status = 'delivered' WHERE id = 'd3'`).run();
    const deliveries = await sql.read(() =>
      q.stats(range('2026-11-10T00:00:00Z', '2026-11-11T00:00:00Z', 'day'), null, 5),
    );
    expect(deliveries.totals.webhookDeliveries).toEqual({
      delivered: 2,
      failed: 1,
      pending: 0,
      successRate: 0.667,
    });
  });

  it('is left empty outside the data', async () => {
    const s = await sql.read(() =>
      q.stats(range('2026-10-01T00:00:00Z', '2026-10-02T00:00:00Z', 'hour'), null, 5),
    );
    expect(s.buckets).toHaveLength(24);
    expect(s.totals.messages.in + s.totals.messages.out).toBe(0);
    expect(s.totals.webhooks).toEqual({
      attempts: 0,
      succeeded: 0,
      successRate: null,
      p50Ms: null,
      p95Ms: null,
    });
  });
});
