import { MigrationInterface, QueryRunner } from 'typeorm';

/** Upper bounds (ms) of the webhook attempt latency histogram; the last bucket is open-ended. */
export const LATENCY_BOUNDS_MS = [10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000] as const;

/** SQL: the histogram bucket index (0..LATENCY_BOUNDS_MS.length) of a duration expression. */
function latencyBucket(expr: string): string {
  const cases = LATENCY_BOUNDS_MS.map((b, i) => `WHEN ${expr} <= ${b} THEN ${i}`).join(' ');
  return `CASE ${cases} ELSE ${LATENCY_BOUNDS_MS.length} END`;
}

const HOUR = 3_600_000;

/**
 * Rollups for GET /api/stats, kept by triggers in the same transaction as every message and attempt write:
 *
 * - `message_stats_hourly`: messages per (UTC hour of created_at, session, direction, status). A status change
 *   moves one count from the old status to the new one, so the table always equals a GROUP BY over `messages`.
 * - `webhook_attempt_stats_hourly`: webhook attempts per (UTC hour of started_at, latency bucket), with how many
 *   succeeded; percentiles are read from the histogram.
 * - `ix_messages_failed_created`: failed messages by time with their reason, for the top failure reasons;
 *   `ix_webhook_deliveries_created`: deliveries by time and outcome.
 *
 * Raw aggregation over a million messages took hundreds of milliseconds; the rollups answer in a few.
 */
export class StatsRollups1764000007000 implements MigrationInterface {
  name = 'StatsRollups1764000007000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "message_stats_hourly" (
      "hour" integer NOT NULL,
      "session_id" text NOT NULL,
      "direction" text NOT NULL,
      "status" text NOT NULL,
      "count" integer NOT NULL,
      PRIMARY KEY ("hour", "session_id", "direction", "status")
    ) WITHOUT ROWID`);
    await q.query(
      `CREATE INDEX "ix_message_stats_hourly_session" ON "message_stats_hourly" ("session_id", "hour")`,
    );
    const bump = (row: 'NEW' | 'OLD', delta: 1 | -1) =>
      `INSERT INTO message_stats_hourly (hour, session_id, direction, status, count)
         VALUES (${row}.created_at - ${row}.created_at % ${HOUR}, ${row}.session_id, ${row}.direction, ${row}.status, ${delta})
         ON CONFLICT (hour, session_id, direction, status) DO UPDATE SET count = count + (${delta});`;
    await q.query(`CREATE TRIGGER "tr_messages_stats_insert" AFTER INSERT ON "messages" BEGIN
      ${bump('NEW', 1)}
    END`);
    await q.query(`CREATE TRIGGER "tr_messages_stats_update" AFTER UPDATE OF status, session_id, direction, created_at
      ON "messages"
      WHEN OLD.status IS NOT NEW.status OR OLD.session_id IS NOT NEW.session_id
        OR OLD.direction IS NOT NEW.direction OR OLD.created_at IS NOT NEW.created_at
      BEGIN
      ${bump('OLD', -1)}
      ${bump('NEW', 1)}
    END`);
    await q.query(`CREATE TRIGGER "tr_messages_stats_delete" AFTER DELETE ON "messages" BEGIN
      ${bump('OLD', -1)}
    END`);
    await q.query(`INSERT INTO message_stats_hourly (hour, session_id, direction, status, count)
      SELECT created_at - created_at % ${HOUR}, session_id, direction, status, COUNT(*)
      FROM messages GROUP BY 1, 2, 3, 4`);

    await q.query(
      `CREATE INDEX "ix_messages_failed_created" ON "messages" ("created_at", "session_id", "error") WHERE status = 'failed'`,
    );

    await q.query(
      `CREATE INDEX "ix_webhook_deliveries_created" ON "webhook_deliveries" ("created_at", "status")`,
    );
    await q.query(`CREATE TABLE "webhook_attempt_stats_hourly" (
      "hour" integer NOT NULL,
      "latency_bucket" integer NOT NULL,
      "attempts" integer NOT NULL,
      "succeeded" integer NOT NULL,
      PRIMARY KEY ("hour", "latency_bucket")
    ) WITHOUT ROWID`);
    const attempt = (row: 'NEW' | 'OLD', delta: 1 | -1) =>
      `INSERT INTO webhook_attempt_stats_hourly (hour, latency_bucket, attempts, succeeded)
         VALUES (${row}.started_at - ${row}.started_at % ${HOUR}, ${latencyBucket(`${row}.duration_ms`)}, ${delta},
                 CASE WHEN ${row}.success THEN ${delta} ELSE 0 END)
         ON CONFLICT (hour, latency_bucket) DO UPDATE SET
           attempts = attempts + excluded.attempts, succeeded = succeeded + excluded.succeeded;`;
    await q.query(`CREATE TRIGGER "tr_webhook_attempts_stats_insert" AFTER INSERT ON "webhook_attempts" BEGIN
      ${attempt('NEW', 1)}
    END`);
    await q.query(`CREATE TRIGGER "tr_webhook_attempts_stats_delete" AFTER DELETE ON "webhook_attempts" BEGIN
      ${attempt('OLD', -1)}
    END`);
    await q.query(`INSERT INTO webhook_attempt_stats_hourly (hour, latency_bucket, attempts, succeeded)
      SELECT started_at - started_at % ${HOUR}, ${latencyBucket('duration_ms')}, COUNT(*), SUM(success)
      FROM webhook_attempts GROUP BY 1, 2`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER "tr_webhook_attempts_stats_delete"`);
    await q.query(`DROP TRIGGER "tr_webhook_attempts_stats_insert"`);
    await q.query(`DROP TABLE "webhook_attempt_stats_hourly"`);
    await q.query(`DROP INDEX "ix_webhook_deliveries_created"`);
    await q.query(`DROP INDEX "ix_messages_failed_created"`);
    await q.query(`DROP TRIGGER "tr_messages_stats_delete"`);
    await q.query(`DROP TRIGGER "tr_messages_stats_update"`);
    await q.query(`DROP TRIGGER "tr_messages_stats_insert"`);
    await q.query(`DROP TABLE "message_stats_hourly"`);
  }
}
