import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource } from 'typeorm';

interface Lane {
  tail: Promise<unknown>;
  inside: AsyncLocalStorage<true>;
}

const lanes = new WeakMap<DataSource, Lane>();

function laneOf(dataSource: DataSource): Lane {
  let lane = lanes.get(dataSource);
  if (!lane)
    lanes.set(dataSource, (lane = { tail: Promise.resolve(), inside: new AsyncLocalStorage<true>() }));
  return lane;
}

/**
 * Runs `fn` when no other write on this SQLite connection is in progress. better-sqlite3 gives TypeORM a single
 * connection: two overlapping transactions would otherwise share one SQLite transaction (the second a savepoint
 * of the first, undone by the first's rollback), and a synchronous raw write issued while an async transaction
 * is open would silently join it. Called again from inside (same async context), it runs at once.
 */
export function exclusive<T>(dataSource: DataSource, fn: () => T | Promise<T>): Promise<T> {
  const lane = laneOf(dataSource);
  if (lane.inside.getStore()) return Promise.resolve().then(fn);
  const run = lane.tail.then(() => lane.inside.run(true, fn));
  lane.tail = run.catch(() => undefined);
  return run;
}

/** The raw better-sqlite3 handle behind TypeORM's DataSource. */
export function rawDb(dataSource: DataSource): import('better-sqlite3').Database {
  return (dataSource.driver as unknown as { databaseConnection: import('better-sqlite3').Database })
    .databaseConnection;
}

/**
 * One synchronous SQLite transaction on the raw handle, taking its turn like every other write. The hot paths
 * (incoming messages, the send queue, receipts, auth keys) use it: prepared statements, no ORM round trips.
 */
export function writeTransaction<T>(dataSource: DataSource, fn: () => T): Promise<T> {
  return exclusive(dataSource, () => rawDb(dataSource).transaction(fn)());
}

/** Makes `dataSource.transaction()` take its turn with every other write (see `exclusive`). */
export function serializeTransactions(dataSource: DataSource): DataSource {
  const original = dataSource.transaction.bind(dataSource) as (...args: unknown[]) => Promise<unknown>;
  (dataSource as { transaction: unknown }).transaction = (...args: unknown[]) =>
    exclusive(dataSource, () => original(...args));
  return dataSource;
}
