import { MigrationInterface, QueryRunner } from 'typeorm';
import { LATENCY_BOUNDS_MS, ROLLUP_SIZES } from '../../migrations/1764000007000-StatsRollups';

/** SQL: the histogram bucket index (0..LATENCY_BOUNDS_MS.length) of a duration expression. */
function latencyBucket(expr: string): string {
  const cases = LATENCY_BOUNDS_MS.map((b, i) => `WHEN ${expr} <= ${b} THEN ${i}`).join(' ');
  return `CASE ${cases} ELSE ${LATENCY_BOUNDS_MS.length} END`;
}

/**
 * One UPSERT per granularity, adding `delta` to the row of `row` (NEW or OLD). The existing row is named by its
 * table (`t`): an unqualified column in DO UPDATE SET would be ambiguous with `excluded`.
 */
function upserts(
  table: string,
  columns: string,
  conflict: string,
  set: string,
  values: (size: number) => string,
): string {
  return ROLLUP_SIZES.map(
    (size) =>
      `INSERT INTO ${table} AS t (${columns}) VALUES (${values(size)}) ON CONFLICT (${conflict}) DO UPDATE SET ${set};`,
  ).join('\n');
}

const message = (row: 'NEW' | 'OLD', delta: 1 | -1) =>
  upserts(
    'message_stats',
    'size, start, session_id, direction, status, count',
    'size, start, session_id, direction, status',
    'count = t.count + excluded.count',
    (size) =>
      `${size}, ${row}.created_at - ${row}.created_at % ${size}, ${row}.session_id, ${row}.direction, ${row}.status, ${delta}`,
  );

const delivery = (row: 'NEW' | 'OLD', delta: 1 | -1) =>
  upserts(
    'webhook_delivery_stats',
    'size, start, status, count',
    'size, start, status',
    'count = t.count + excluded.count',
    (size) => `${size}, ${row}.created_at - ${row}.created_at % ${size}, ${row}.status, ${delta}`,
  );

const attempt = (row: 'NEW' | 'OLD', delta: 1 | -1) =>
  upserts(
    'webhook_attempt_stats',
    'size, start, latency_bucket, attempts, succeeded',
    'size, start, latency_bucket',
    'attempts = t.attempts + excluded.attempts, succeeded = t.succeeded + excluded.succeeded',
    (size) =>
      `${size}, ${row}.started_at - ${row}.started_at % ${size}, ${latencyBucket(`${row}.duration_ms`)}, ` +
      `${delta}, CASE WHEN ${row}.success THEN ${delta} ELSE 0 END`,
  );

/** A PL/pgSQL trigger function: OLD's row leaves its rollups on UPDATE and DELETE, NEW's joins on INSERT and UPDATE. */
function rollupFunction(name: string, rollup: (row: 'NEW' | 'OLD', delta: 1 | -1) => string): string {
  return `CREATE FUNCTION "${name}"() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'UPDATE' OR TG_OP = 'DELETE' THEN
        ${rollup('OLD', -1)}
      END IF;
      IF TG_OP = 'INSERT' OR TG_OP = 'UPDATE' THEN
        ${rollup('NEW', 1)}
      END IF;
      RETURN NULL;
    END $$`;
}

const FUNCTIONS = [
  'messages_stats_rollup',
  'webhook_deliveries_stats_rollup',
  'webhook_attempts_stats_rollup',
];

/**
 * The triggers of SQLite's 1764000007000 (StatsRollups) as PL/pgSQL: the same names, the same rows, in the same
 * transaction as every write. An update moves a row's count only when a column of its rollup key changes
 * (`IS DISTINCT FROM` is SQLite's `IS NOT`); attempts are never updated, only inserted and deleted. Rows already
 * in the tables are counted once here, as SQLite's migration does.
 */
export class StatsRollupTriggers1764000007001 implements MigrationInterface {
  name = 'StatsRollupTriggers1764000007001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(rollupFunction('messages_stats_rollup', message));
    await q.query(
      `CREATE TRIGGER "tr_messages_stats_insert" AFTER INSERT ON "messages"
        FOR EACH ROW EXECUTE FUNCTION "messages_stats_rollup"()`,
    );
    await q.query(
      `CREATE TRIGGER "tr_messages_stats_update" AFTER UPDATE OF status, session_id, direction, created_at
        ON "messages" FOR EACH ROW
        WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.session_id IS DISTINCT FROM NEW.session_id
          OR OLD.direction IS DISTINCT FROM NEW.direction OR OLD.created_at IS DISTINCT FROM NEW.created_at)
        EXECUTE FUNCTION "messages_stats_rollup"()`,
    );
    await q.query(
      `CREATE TRIGGER "tr_messages_stats_delete" AFTER DELETE ON "messages"
        FOR EACH ROW EXECUTE FUNCTION "messages_stats_rollup"()`,
    );

    await q.query(rollupFunction('webhook_deliveries_stats_rollup', delivery));
    await q.query(
      `CREATE TRIGGER "tr_webhook_deliveries_stats_insert" AFTER INSERT ON "webhook_deliveries"
        FOR EACH ROW EXECUTE FUNCTION "webhook_deliveries_stats_rollup"()`,
    );
    await q.query(
      `CREATE TRIGGER "tr_webhook_deliveries_stats_update" AFTER UPDATE OF status, created_at
        ON "webhook_deliveries" FOR EACH ROW
        WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.created_at IS DISTINCT FROM NEW.created_at)
        EXECUTE FUNCTION "webhook_deliveries_stats_rollup"()`,
    );
    await q.query(
      `CREATE TRIGGER "tr_webhook_deliveries_stats_delete" AFTER DELETE ON "webhook_deliveries"
        FOR EACH ROW EXECUTE FUNCTION "webhook_deliveries_stats_rollup"()`,
    );

    await q.query(rollupFunction('webhook_attempts_stats_rollup', attempt));
    await q.query(
      `CREATE TRIGGER "tr_webhook_attempts_stats_insert" AFTER INSERT ON "webhook_attempts"
        FOR EACH ROW EXECUTE FUNCTION "webhook_attempts_stats_rollup"()`,
    );
    await q.query(
      `CREATE TRIGGER "tr_webhook_attempts_stats_delete" AFTER DELETE ON "webhook_attempts"
        FOR EACH ROW EXECUTE FUNCTION "webhook_attempts_stats_rollup"()`,
    );

    for (const size of ROLLUP_SIZES) {
      await q.query(`INSERT INTO message_stats (size, start, session_id, direction, status, count)
        SELECT ${size}, created_at - created_at % ${size}, session_id, direction, status, COUNT(*)
        FROM messages GROUP BY 2, 3, 4, 5`);
      await q.query(`INSERT INTO webhook_delivery_stats (size, start, status, count)
        SELECT ${size}, created_at - created_at % ${size}, status, COUNT(*) FROM webhook_deliveries GROUP BY 2, 3`);
      await q.query(`INSERT INTO webhook_attempt_stats (size, start, latency_bucket, attempts, succeeded)
        SELECT ${size}, started_at - started_at % ${size}, ${latencyBucket('duration_ms')}, COUNT(*),
          COUNT(*) FILTER (WHERE success)
        FROM webhook_attempts GROUP BY 2, 3`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    // Dropping a function drops its triggers; the rollup rows stay, as the tables are the initial migration's.
    for (const name of FUNCTIONS) await q.query(`DROP FUNCTION "${name}"() CASCADE`);
  }
}
