import type { Database } from 'better-sqlite3';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { DataSource } from 'typeorm';

/** The better-sqlite3 handle behind TypeORM's (single) connection. */
export function rawDatabase(dataSource: DataSource): Database {
  return (dataSource.driver as any).databaseConnection as Database;
}

/**
 * TypeORM runs every query of this process on one SQLite connection, so a statement issued while another
 * caller's transaction is open (awaiting between its statements) becomes part of it. Before each write the
 * worker yields briefly for the connection to be outside any transaction, so its write usually commits on its
 * own; under heavy load it goes ahead after `maxWaitMs`. Joining a foreign transaction is safe: if that one
 * rolls back, the claim or the result is undone and the delivery is simply attempted again (at least once,
 * same webhook-id); nothing is lost.
 */
export async function outsideTransaction(db: Database, maxWaitMs = 5): Promise<void> {
  const deadline = Date.now() + maxWaitMs;
  while (db.inTransaction && Date.now() < deadline) await nextTurn();
}
