import { AsyncLocalStorage } from 'node:async_hooks';
import type { Database } from 'better-sqlite3';
import type { DataSource } from 'typeorm';

interface PendingWrite {
  fn: () => unknown;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
}

interface Lane {
  tail: Promise<unknown>;
  /** Set while an asynchronous transaction (TypeORM's) holds the lane, for calls made from inside it. */
  inside: AsyncLocalStorage<true>;
  /** Set while a synchronous batch holds the lane. */
  insideSync: boolean;
  /** Synchronous writes collected during this turn of the event loop, committed together. */
  batch: PendingWrite[] | null;
  /** Told the duration of each group commit (see `observeCommits`). */
  commitObserver: CommitObserver | null;
}

/** Seconds one group commit took (its writes and the commit itself), and how many writes it held. */
export type CommitObserver = (seconds: number, writes: number) => void;

const lanes = new WeakMap<DataSource, Lane>();

function laneOf(dataSource: DataSource): Lane {
  let lane = lanes.get(dataSource);
  if (!lane)
    lanes.set(
      dataSource,
      (lane = {
        tail: Promise.resolve(),
        inside: new AsyncLocalStorage<true>(),
        insideSync: false,
        batch: null,
        commitObserver: null,
      }),
    );
  return lane;
}

/** Queues synchronous work on the lane (a batch commit); the lane goes on whatever it throws. */
function enqueueSync(lane: Lane, fn: () => void): void {
  lane.tail = lane.tail.then(() => {
    lane.insideSync = true;
    try {
      fn();
    } catch {
      // commitBatch settles every write's promise itself; nothing is left to report here.
    } finally {
      lane.insideSync = false;
    }
  });
}

/**
 * Runs `fn` (an asynchronous transaction, TypeORM's) when no other write on this SQLite connection is in
 * progress. better-sqlite3 gives TypeORM a single connection: two overlapping transactions would otherwise share
 * one SQLite transaction (the second a savepoint of the first, undone by the first's rollback), and a
 * synchronous raw write issued while an async transaction is open would silently join it. Called again from
 * inside (same async context), it runs at once.
 *
 * The async context is an AsyncLocalStorage that is disabled again when the transaction ends: while any
 * AsyncLocalStorage is enabled, Node 20 tracks every promise of the process (a measurable share of each
 * request), and the lane only needs it during these rare asynchronous transactions.
 */
export function exclusive<T>(dataSource: DataSource, fn: () => Promise<T>): Promise<T> {
  const lane = laneOf(dataSource);
  if (isInside(lane)) return Promise.resolve().then(fn);
  // Writes asked for earlier keep their place in line.
  if (lane.batch) closeBatch(dataSource, lane);
  const run = lane.tail.then(async () => {
    try {
      return await lane.inside.run(true, fn);
    } finally {
      lane.inside.disable();
    }
  });
  lane.tail = run.catch(() => undefined);
  return run;
}

const isInside = (lane: Lane) => lane.insideSync || lane.inside.getStore() === true;

/** The raw better-sqlite3 handle behind TypeORM's DataSource. */
export function rawDb(dataSource: DataSource): Database {
  return (dataSource.driver as unknown as { databaseConnection: Database }).databaseConnection;
}

/**
 * One synchronous SQLite transaction on the raw handle, taking its turn like every other write. The hot paths
 * (incoming messages, the send queue, receipts, auth keys, webhook deliveries) use it: prepared statements, no
 * ORM round trips.
 *
 * Group commit: the writes asked for during one turn of the event loop (typically several HTTP requests or
 * incoming messages that arrived together) share one SQLite commit. The promise of each settles only after the
 * commit, so a caller that answers "stored" after awaiting it never answers before the row is durable. Under
 * load, one commit per batch instead of one per write is what keeps SQLite off the critical path (a commit
 * writes every touched index page to the WAL).
 *
 * If one write of a batch throws, the whole batch is rolled back and each write runs again alone, so only the
 * failing one is refused (savepoints around each write would cost more on every batch than this costs on the
 * rare failure). So `fn` may run twice: it must keep its effects inside the database, or return them, rather
 * than push into outside state before it returns.
 */
export function writeTransaction<T>(dataSource: DataSource, fn: () => T): Promise<T> {
  const lane = laneOf(dataSource);
  if (isInside(lane)) return Promise.resolve().then(() => inTransaction(rawDb(dataSource), fn) as T);
  return new Promise<T>((resolve, reject) => {
    const write: PendingWrite = { fn, resolve: resolve as (value: unknown) => void, reject };
    if (lane.batch) {
      lane.batch.push(write);
      return;
    }
    const batch = [write];
    lane.batch = batch;
    setImmediate(() => {
      if (lane.batch === batch) closeBatch(dataSource, lane);
    });
  });
}

/** Takes the open batch off the lane (later writes start a new one) and queues its commit. */
function closeBatch(dataSource: DataSource, lane: Lane): void {
  const batch = lane.batch!;
  lane.batch = null;
  enqueueSync(lane, () => {
    const observer = lane.commitObserver;
    if (!observer) return commitBatch(rawDb(dataSource), batch);
    const started = performance.now();
    try {
      commitBatch(rawDb(dataSource), batch);
    } finally {
      observer((performance.now() - started) / 1000, batch.length);
    }
  });
}

/** Tells `observer` how long each group commit on this connection takes (one observer; null removes it). */
export function observeCommits(dataSource: DataSource, observer: CommitObserver | null): void {
  laneOf(dataSource).commitObserver = observer;
}

/** Rollback hooks of the write(s) running now (see `onRollback`); null outside a `writeTransaction`. */
let rollbackHooks: (() => void)[] | null = null;

/**
 * Inside a `writeTransaction`'s function: runs `hook` if this write is rolled back (its promise then rejects),
 * for in-memory state taken alongside the rows (e.g. a webhook delivery slot). Outside one it does nothing.
 */
export function onRollback(hook: () => void): void {
  rollbackHooks?.push(hook);
}

function runHooks(hooks: (() => void)[]): void {
  for (const hook of hooks) {
    try {
      hook();
    } catch {
      // A hook only gives back in-memory state; one failing must not keep the others from running.
    }
  }
}

/**
 * One `db.transaction` wrapper per connection, reused: better-sqlite3 builds a new wrapper (and its
 * properties) on every `db.transaction(fn)` call, a measurable share of a small write.
 */
const RUNNERS = new WeakMap<Database, (fn: () => unknown) => unknown>();

function inTransaction(db: Database, fn: () => unknown): unknown {
  let run = RUNNERS.get(db);
  if (!run) RUNNERS.set(db, (run = db.transaction((f: () => unknown) => f())));
  return run(fn);
}

function commitBatch(db: Database, batch: PendingWrite[]): void {
  const hooks: (() => void)[] = [];
  rollbackHooks = hooks;
  if (batch.length === 1) {
    const [write] = batch;
    try {
      const result = inTransaction(db, write.fn);
      rollbackHooks = null;
      write.resolve(result);
    } catch (err) {
      rollbackHooks = null;
      runHooks(hooks);
      write.reject(err);
    }
    return;
  }
  let results: unknown[] = [];
  try {
    inTransaction(db, () => {
      results = batch.map((write) => write.fn());
    });
  } catch {
    // One of them threw (or the commit failed) and nothing of the batch was kept: each runs again in its own
    // transaction, so only a write that fails by itself is refused.
    rollbackHooks = null;
    runHooks(hooks);
    for (const write of batch) commitBatch(db, [write]);
    return;
  }
  rollbackHooks = null;
  batch.forEach((write, i) => write.resolve(results[i]));
}

/**
 * Makes `dataSource.transaction()` take its turn with every other write (see `exclusive`), and
 * `dataSource.destroy()` wait for the writes already asked for, so none is cut off by the close.
 */
export function serializeTransactions(dataSource: DataSource): DataSource {
  const original = dataSource.transaction.bind(dataSource) as (...args: unknown[]) => Promise<unknown>;
  (dataSource as { transaction: unknown }).transaction = (...args: unknown[]) =>
    exclusive(dataSource, () => original(...args));
  const destroy = dataSource.destroy.bind(dataSource);
  (dataSource as { destroy: () => Promise<void> }).destroy = async () => {
    const lane = laneOf(dataSource);
    if (lane.batch) closeBatch(dataSource, lane);
    await lane.tail;
    await destroy();
  };
  return dataSource;
}
