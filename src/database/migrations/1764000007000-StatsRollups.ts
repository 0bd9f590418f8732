import { MigrationInterface, QueryRunner } from 'typeorm';

/** Upper bounds (ms) of the webhook attempt latency histogram; the last bucket is open-ended. */
export const LATENCY_BOUNDS_MS = [10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000] as const;

/** Rollup granularities (ms): every rollup row is for one UTC hour or one UTC day. */
export const ROLLUP_SIZES = [3_600_000, 86_400_000] as const;

/** SQL: the histogram bucket index (0..LATENCY_BOUNDS_MS.length) of a duration expression. */
function latencyBucket(expr: string): string {
  const cases = LATENCY_BOUNDS_MS.map((b, i) => `WHEN ${expr} <= ${b} THEN ${i}`).join(' ');
  return `CASE ${cases} ELSE ${LATENCY_BOUNDS_MS.length} END`;
}

/** One UPSERT per granularity: `values(size, start)` gives the VALUES list for a row of that size. */
function upserts(
  table: string,
  columns: string,
  conflict: string,
  set: string,
  values: (size: number) => string,
) {
  return ROLLUP_SIZES.map(
    (size) =>
      `INSERT INTO ${table} (${columns}) VALUES (${values(size)}) ON CONFLICT (${conflict}) DO UPDATE SET ${set};`,
  ).join('\n');
}

/**
 * Rollups for GET /api/stats, kept by triggers in the same transaction as every write, each at two granularities
 * (`size`: a UTC hour and a UTC day), so a query reads at most a few thousand rows whatever the table sizes:
 *
 * - `message_stats`: messages per (bucket of created_at, session, direction, status). A status change moves one
 *   count from the old status to the new one, so the table always equals a GROUP BY over `messages`.
 * - `webhook_delivery_stats`: deliveries per (bucket of created_at, status), kept the same way.
 * - `webhook_attempt_stats`: attempts per (bucket of started_at, latency bucket), with how many succeeded;
 *   percentiles are read from this histogram.
 * - `ix_messages_failed_created`: failed messages by time with their reason, for the top failure reasons.
 *
 * Aggregating `messages` itself took about a second at a million rows (see docs/BENCHMARKS.md).
 */
export class StatsRollups1764000007000 implements MigrationInterface {
  name = 'StatsRollups1764000007000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "message_stats" (
      "size" integer NOT NULL,
      "start" integer NOT NULL,
      "session_id" text NOT NULL,
      "direction" text NOT NULL,
      "status" text NOT NULL,
      "count" integer NOT NULL,
      PRIMARY KEY ("size", "start", "session_id", "direction", "status")
    ) WITHOUT ROWID`);
    await q.query(
      `CREATE INDEX "ix_message_stats_session" ON "message_stats" ("size", "session_id", "start")`,
    );
    const message = (row: 'NEW' | 'OLD', delta: 1 | -1) =>
      upserts(
        'message_stats',
        'size, start, session_id, direction, status, count',
        'size, start, session_id, direction, status',
        `count = count + (${delta})`,
        (size) =>
          `${size}, ${row}.created_at - ${row}.created_at % ${size}, ${row}.session_id, ${row}.direction, ${row}.status, ${delta}`,
      );
    await q.query(`CREATE TRIGGER "tr_messages_stats_insert" AFTER INSERT ON "messages" BEGIN
      ${message('NEW', 1)}
    END`);
    await q.query(`CREATE TRIGGER "tr_messages_stats_update" AFTER UPDATE OF status, session_id, direction, created_at
      ON "messages"
      WHEN OLD.status IS NOT NEW.status OR OLD.session_id IS NOT NEW.session_id
        OR OLD.direction IS NOT NEW.direction OR OLD.created_at IS NOT NEW.created_at
      BEGIN
      ${message('OLD', -1)}
      ${message('NEW', 1)}
    END`);
    await q.query(`CREATE TRIGGER "tr_messages_stats_delete" AFTER DELETE ON "messages" BEGIN
      ${message('OLD', -1)}
    END`);
    for (const size of ROLLUP_SIZES)
      await q.query(`INSERT INTO message_stats (size, start, session_id, direction, status, count)
        SELECT ${size}, created_at - created_at % ${size}, session_id, direction, status, COUNT(*)
        FROM messages GROUP BY 2, 3, 4, 5`);

    await q.query(
      `CREATE INDEX "ix_messages_failed_created" ON "messages" ("created_at", "session_id", "error") WHERE status = 'failed'`,
    );

    await q.query(`CREATE TABLE "webhook_delivery_stats" (
      "size" integer NOT NULL,
      "start" integer NOT NULL,
      "status" text NOT NULL,
      "count" integer NOT NULL,
      PRIMARY KEY ("size", "start", "status")
    ) WITHOUT ROWID`);
    const delivery = (row: 'NEW' | 'OLD', delta: 1 | -1) =>
      upserts(
        'webhook_delivery_stats',
        'size, start, status, count',
        'size, start, status',
        `count = count + (${delta})`,
        (size) => `${size}, ${row}.created_at - ${row}.created_at % ${size}, ${row}.status, ${delta}`,
      );
    await q.query(`CREATE TRIGGER "tr_webhook_deliveries_stats_insert" AFTER INSERT ON "webhook_deliveries" BEGIN
      ${delivery('NEW', 1)}
    END`);
    await q.query(`CREATE TRIGGER "tr_webhook_deliveries_stats_update" AFTER UPDATE OF status, created_at
      ON "webhook_deliveries"
      WHEN OLD.status IS NOT NEW.status OR OLD.created_at IS NOT NEW.created_at
      BEGIN
      ${delivery('OLD', -1)}
      ${delivery('NEW', 1)}
    END`);
    await q.query(`CREATE TRIGGER "tr_webhook_deliveries_stats_delete" AFTER DELETE ON "webhook_deliveries" BEGIN
      ${delivery('OLD', -1)}
    END`);
    for (const size of ROLLUP_SIZES)
      await q.query(`INSERT INTO webhook_delivery_stats (size, start, status, count)
        SELECT ${size}, created_at - created_at % ${size}, status, COUNT(*) FROM webhook_deliveries GROUP BY 2, 3`);

    await q.query(`CREATE TABLE "webhook_attempt_stats" (
      "size" integer NOT NULL,
      "start" integer NOT NULL,
      "latency_bucket" integer NOT NULL,
      "attempts" integer NOT NULL,
      "succeeded" integer NOT NULL,
      PRIMARY KEY ("size", "start", "latency_bucket")
    ) WITHOUT ROWID`);
    const attempt = (row: 'NEW' | 'OLD', delta: 1 | -1) =>
      upserts(
        'webhook_attempt_stats',
        'size, start, latency_bucket, attempts, succeeded',
        'size, start, latency_bucket',
        'attempts = attempts + excluded.attempts, succeeded = succeeded + excluded.succeeded',
        (size) =>
          `${size}, ${row}.started_at - ${row}.started_at % ${size}, ${latencyBucket(`${row}.duration_ms`)}, ` +
          `${delta}, CASE WHEN ${row}.success THEN ${delta} ELSE 0 END`,
      );
    await q.query(`CREATE TRIGGER "tr_webhook_attempts_stats_insert" AFTER INSERT ON "webhook_attempts" BEGIN
      ${attempt('NEW', 1)}
    END`);
    await q.query(`CREATE TRIGGER "tr_webhook_attempts_stats_delete" AFTER DELETE ON "webhook_attempts" BEGIN
      ${attempt('OLD', -1)}
    END`);
    for (const size of ROLLUP_SIZES)
      await q.query(`INSERT INTO webhook_attempt_stats (size, start, latency_bucket, attempts, succeeded)
        SELECT ${size}, started_at - started_at % ${size}, ${latencyBucket('duration_ms')}, COUNT(*), SUM(success)
        FROM webhook_attempts GROUP BY 2, 3`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const name of [
      'tr_webhook_attempts_stats_delete',
      'tr_webhook_attempts_stats_insert',
      'tr_webhook_deliveries_stats_delete',
      'tr_webhook_deliveries_stats_update',
      'tr_webhook_deliveries_stats_insert',
      'tr_messages_stats_delete',
      'tr_messages_stats_update',
      'tr_messages_stats_insert',
    ])
      await q.query(`DROP TRIGGER "${name}"`);
    await q.query(`DROP TABLE "webhook_attempt_stats"`);
    await q.query(`DROP TABLE "webhook_delivery_stats"`);
    await q.query(`DROP INDEX "ix_messages_failed_created"`);
    await q.query(`DROP TABLE "message_stats"`);
  }
}
