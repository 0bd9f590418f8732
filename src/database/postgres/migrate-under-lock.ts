import type { DataSource, Migration } from 'typeorm';

/** The advisory lock key of our migrations (any constant works; this one is "wa-gw-mi" in ASCII). */
export const MIGRATION_LOCK_KEY = '8602206685658705257';

/**
 * Runs the pending migrations while holding a session-level PostgreSQL advisory lock, so that processes
 * starting together on one database migrate one after the other: the first runs the migrations, the next find
 * nothing pending. The lock is taken on a query runner of its own and released (and the runner returned to the
 * pool) in every case; a process that dies holding it loses it with its connection. The pool needs two
 * connections: this one and the one the migrations run on. Returns the migrations run.
 */
export async function migrateUnderLock(dataSource: DataSource): Promise<Migration[]> {
  const runner = dataSource.createQueryRunner();
  try {
    await runner.connect();
    await runner.query(`SELECT pg_advisory_lock(${MIGRATION_LOCK_KEY})`);
    let migrated: Migration[];
    try {
      migrated = await dataSource.runMigrations({ transaction: 'all' });
    } catch (err) {
      // The migration's error is the one to report; a lost connection has released the lock anyway.
      await runner.query(`SELECT pg_advisory_unlock(${MIGRATION_LOCK_KEY})`).catch(() => undefined);
      throw err;
    }
    await runner.query(`SELECT pg_advisory_unlock(${MIGRATION_LOCK_KEY})`);
    return migrated;
  } finally {
    await runner.release();
  }
}
