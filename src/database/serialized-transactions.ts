import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource } from 'typeorm';

/**
 * better-sqlite3 gives TypeORM a single connection, so two `dataSource.transaction()` calls that overlap in time
 * would share one SQLite transaction (the second becomes a savepoint of the first, and the first's rollback would
 * undo the second's "committed" work). This makes them take turns: each transaction starts when the previous one
 * has finished. A transaction started from inside another one (same async context) nests as TypeORM intends.
 */
export function serializeTransactions(dataSource: DataSource): DataSource {
  const original = dataSource.transaction.bind(dataSource) as (...args: unknown[]) => Promise<unknown>;
  const inside = new AsyncLocalStorage<true>();
  let tail: Promise<unknown> = Promise.resolve();
  (dataSource as { transaction: unknown }).transaction = (...args: unknown[]) => {
    if (inside.getStore()) return original(...args);
    const run = tail.then(() => inside.run(true, () => original(...args)));
    tail = run.catch(() => undefined);
    return run;
  };
  return dataSource;
}
