import { MigrationInterface, QueryRunner } from 'typeorm';
import { ROLLUP_SIZES } from '../../migrations/1764000007000-StatsRollups';
import { latencyBucket, rollupFunctions } from './1764000007001-StatsRollupTriggers';

/** The tables the rollup triggers append to, folded into the rollups by `fold_stats()`. */
export const STATS_PENDING_TABLES = [
  'message_stats_pending',
  'webhook_delivery_stats_pending',
  'webhook_attempt_stats_pending',
] as const;

/** Any constant of the gateway's own: folds of every node take turns on it (no two upsert the same rows at once). */
const FOLD_LOCK = 7_316_405_001;

const SIZES = `(VALUES ${ROLLUP_SIZES.map((s) => `(${s})`).join(', ')}) AS s(size)`;

/**
 * A PL/pgSQL trigger function appending the row's change to `table`: OLD's values with -1 on UPDATE and DELETE,
 * NEW's with +1 on INSERT and UPDATE, in one statement.
 */
function appendFunction(name: string, table: string, values: (row: 'NEW' | 'OLD', delta: 1 | -1) => string) {
  return `CREATE OR REPLACE FUNCTION "${name}"() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        INSERT INTO ${table} VALUES (${values('NEW', 1)});
      ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO ${table} VALUES (${values('OLD', -1)});
      ELSE
        INSERT INTO ${table} VALUES (${values('OLD', -1)}), (${values('NEW', 1)});
      END IF;
      RETURN NULL;
    END $$`;
}

/**
 * PostgreSQL's statistics rollups, counted once per batch instead of once per row. The triggers of 1764000007001
 * upserted each changed row into its hour and day rollup rows: on a busy gateway every write transaction updated
 * the same few rollup rows (a new row version each time, ~10 upserts per incoming message), and in a cluster the
 * transactions of all nodes queued on those rows' locks. Now each trigger appends the change (one plain INSERT
 * into a table without indexes), and `fold_stats()` sums what was appended into the rollups in one statement
 * per table, taking turns with other nodes' folds. The gateway folds every few seconds and before every read of
 * the rollups (StatsFolder), so `GET /api/stats` counts as exactly as before. SQLite, a single writer with no
 * row versions, keeps its per-row triggers.
 */
export class StatsPending1764000016000 implements MigrationInterface {
  name = 'StatsPending1764000016000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "message_stats_pending" (
      "created_at" bigint NOT NULL, "session_id" text NOT NULL, "direction" text NOT NULL, "status" text NOT NULL,
      "delta" integer NOT NULL
    )`);
    await q.query(`CREATE TABLE "webhook_delivery_stats_pending" (
      "created_at" bigint NOT NULL, "status" text NOT NULL, "delta" integer NOT NULL
    )`);
    await q.query(`CREATE TABLE "webhook_attempt_stats_pending" (
      "started_at" bigint NOT NULL, "latency_bucket" integer NOT NULL, "delta" integer NOT NULL,
      "succeeded" integer NOT NULL
    )`);
    await q.query(
      appendFunction(
        'messages_stats_rollup',
        'message_stats_pending',
        (r, d) => `${r}.created_at, ${r}.session_id, ${r}.direction, ${r}.status, ${d}`,
      ),
    );
    await q.query(
      appendFunction(
        'webhook_deliveries_stats_rollup',
        'webhook_delivery_stats_pending',
        (r, d) => `${r}.created_at, ${r}.status, ${d}`,
      ),
    );
    await q.query(
      appendFunction(
        'webhook_attempts_stats_rollup',
        'webhook_attempt_stats_pending',
        (r, d) =>
          `${r}.started_at, ${latencyBucket(`${r}.duration_ms`)}, ${d}, CASE WHEN ${r}.success THEN ${d} ELSE 0 END`,
      ),
    );
    // Every group of a fold is one row of the rollup, so no upsert meets its row twice in one statement. A
    // group whose changes cancel out still leaves its row (count 0), as SQLite's triggers do.
    await q.query(`CREATE FUNCTION "fold_stats"() RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_advisory_xact_lock(${FOLD_LOCK});
        WITH d AS (DELETE FROM message_stats_pending RETURNING *)
        INSERT INTO message_stats AS t (size, start, session_id, direction, status, count)
        SELECT s.size, d.created_at - d.created_at % s.size, d.session_id, d.direction, d.status, SUM(d.delta)
          FROM d CROSS JOIN ${SIZES} GROUP BY 1, 2, 3, 4, 5
        ON CONFLICT (size, start, session_id, direction, status) DO UPDATE SET count = t.count + excluded.count;

        WITH d AS (DELETE FROM webhook_delivery_stats_pending RETURNING *)
        INSERT INTO webhook_delivery_stats AS t (size, start, status, count)
        SELECT s.size, d.created_at - d.created_at % s.size, d.status, SUM(d.delta)
          FROM d CROSS JOIN ${SIZES} GROUP BY 1, 2, 3
        ON CONFLICT (size, start, status) DO UPDATE SET count = t.count + excluded.count;

        WITH d AS (DELETE FROM webhook_attempt_stats_pending RETURNING *)
        INSERT INTO webhook_attempt_stats AS t (size, start, latency_bucket, attempts, succeeded)
        SELECT s.size, d.started_at - d.started_at % s.size, d.latency_bucket, SUM(d.delta), SUM(d.succeeded)
          FROM d CROSS JOIN ${SIZES} GROUP BY 1, 2, 3
        ON CONFLICT (size, start, latency_bucket) DO UPDATE
          SET attempts = t.attempts + excluded.attempts, succeeded = t.succeeded + excluded.succeeded;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`SELECT fold_stats()`);
    for (const sql of rollupFunctions(true)) await q.query(sql);
    await q.query(`DROP FUNCTION "fold_stats"()`);
    for (const table of STATS_PENDING_TABLES) await q.query(`DROP TABLE "${table}"`);
  }
}
