import type { Database } from 'better-sqlite3';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { DataSource } from 'typeorm';

/** The better-sqlite3 handle behind TypeORM's (single) connection. */
export function rawDatabase(dataSource: DataSource): Database {
  return (dataSource.driver as any).databaseConnection as Database;
}

/**
 * TypeORM runs every query of this process on one SQLite connection, so a statement issued while another
 * caller's transaction is open (awaiting between its statements) would become part of it. The worker's writes
 * are synchronous better-sqlite3 calls; before each it waits (briefly) for the connection to be outside any
 * transaction, so it commits on its own, atomically.
 */
export async function outsideTransaction(db: Database, maxWaitMs = 50): Promise<void> {
  const deadline = Date.now() + maxWaitMs;
  while (db.inTransaction && Date.now() < deadline) await nextTurn();
}
