/**
 * The engine-neutral SQL port the stores are written against (SQLite or PostgreSQL behind it).
 *
 * A transaction body is a generator: each `yield*` of a statement below is one step. The SQLite adapter runs
 * the body synchronously, statement after statement, inside its group commit (no other code runs between two
 * statements of a transaction, exactly as with plain better-sqlite3 calls). The PostgreSQL adapter pipelines a
 * write's statements on the transaction's connection: a statement whose answer the body does not wait for
 * (`execute`, `runExpecting`) is sent and the body goes on at once; a statement whose answer it needs (`run`,
 * `get`, `all`) is sent behind them and awaited, so a batch of writes costs a round trip per answer waited for,
 * not one per statement. Statements run in the order the body yields them, on both engines. One body, both
 * engines:
 *
 *   const stored = await sql.write(function* () {
 *     const inserted = yield* run('INSERT INTO t (a) VALUES (?) ON CONFLICT DO NOTHING', [a]);
 *     return inserted > 0;
 *   });
 *
 * SQL is written once, in the subset both engines accept: `?` placeholders (numbered for PostgreSQL by the
 * adapter), `ON CONFLICT ... DO NOTHING / DO UPDATE`, `RETURNING`, quoted camelCase aliases (`AS "eventId"`;
 * PostgreSQL folds unquoted ones to lower case). Booleans are bound as JS booleans (SQLite stores 0/1: read
 * them back with `Boolean()`); bigint columns come back as JS numbers on both (all our int8 values are
 * timestamps in ms and sequence numbers, far below 2^53). Where an engine needs other SQL, the store asks
 * `sql.engine`.
 */

export type SqlEngine = 'sqlite' | 'postgres';

export type SqlParam = string | number | boolean | null | Buffer;

/**
 * One step of a body: a statement, or a rollback hook for in-memory state taken alongside the rows. `execute`
 * is a statement whose count the body does not read; a `run` with `expect` goes on as if it changed that many
 * rows (see `runExpecting`).
 */
export type SqlStep =
  | { op: 'run' | 'get' | 'all' | 'execute'; sql: string; params: readonly SqlParam[]; expect?: number }
  | { op: 'onRollback'; hook: () => void };

/** A statement, or a whole transaction body, resolving to `T`. */
export type Sql<T> = Generator<SqlStep, T, unknown>;

/** Executes one statement; answers how many rows it changed. */
export function* run(sql: string, params: readonly SqlParam[] = []): Sql<number> {
  return (yield { op: 'run', sql, params }) as number;
}

/**
 * Executes one statement whose count the body does not need (an INSERT of a row of its own, an upsert). On
 * PostgreSQL it is sent without waiting for its answer; should it fail, the whole write fails (and is run
 * again alone, each statement awaited, so only a write that fails by itself is refused).
 */
export function* execute(sql: string, params: readonly SqlParam[] = []): Sql<void> {
  yield { op: 'execute', sql, params };
}

/**
 * Executes one statement that normally changes `expected` rows (an INSERT ... ON CONFLICT DO NOTHING of a new
 * row, a compare-and-swap that normally holds) and answers how many it changed. On PostgreSQL the statement is
 * sent without waiting and the body goes on as if it changed `expected` rows; if it did not, nothing of the
 * batch is committed and it runs again with each statement awaited, so the body then sees the true count. On
 * SQLite it is `run`. Use it where the other count is rare: that case costs the batch a second execution.
 */
export function* runExpecting(sql: string, params: readonly SqlParam[], expected: number): Sql<number> {
  return (yield { op: 'run', sql, params, expect: expected }) as number;
}

/** The first row of a query, or undefined. */
export function* get<R>(sql: string, params: readonly SqlParam[] = []): Sql<R | undefined> {
  return (yield { op: 'get', sql, params }) as R | undefined;
}

/** Every row of a query. */
export function* all<R>(sql: string, params: readonly SqlParam[] = []): Sql<R[]> {
  return (yield { op: 'all', sql, params }) as R[];
}

/**
 * Inside a write: `hook` runs if this write is rolled back (its promise then rejects), for in-memory state taken
 * alongside the rows (e.g. a webhook delivery slot). In a read it does nothing.
 */
export function* onRollback(hook: () => void): Sql<void> {
  yield { op: 'onRollback', hook };
}

/** Seconds one group commit took (its writes and the commit itself), and how many writes it held. */
export type CommitObserver = (seconds: number, writes: number) => void;

/**
 * The database as the stores see it. Injected as `SqlDatabase`; the adapter is chosen at boot
 * (`DATABASE_URL`).
 */
export abstract class SqlDatabase {
  abstract readonly engine: SqlEngine;

  /**
   * Runs `body` as one write transaction, group-committed with the other writes asked for in the same turn of
   * the event loop; the promise settles after the commit. If one write of a batch fails, the batch is rolled
   * back and each write runs again alone, so only the failing one is refused: `body` may run twice, so it must
   * keep its effects inside the database (or in rollback hooks), or return them.
   */
  abstract write<T>(body: () => Sql<T>): Promise<T>;

  /** Runs `body` outside any transaction (reads; each statement sees what is committed). */
  abstract read<T>(body: () => Sql<T>): Promise<T>;

  /** Tells `observer` how long each group commit takes (one observer; null removes it). */
  abstract observeCommits(observer: CommitObserver | null): void;

  /** Checks the database answers (for /health). */
  abstract ping(): Promise<void>;
}

/** Runs `body` to its end, executing each statement with `exec` as it comes (synchronously). */
export function runSteps<T>(
  body: Sql<T>,
  exec: (step: Exclude<SqlStep, { op: 'onRollback' }>) => unknown,
  onRollbackHook: (hook: () => void) => void,
): T {
  let next = body.next();
  while (!next.done) {
    const step = next.value;
    if (step.op === 'onRollback') {
      onRollbackHook(step.hook);
      next = body.next();
      continue;
    }
    let result: unknown;
    try {
      result = exec(step);
    } catch (err) {
      next = body.throw(err);
      continue;
    }
    next = body.next(result);
  }
  return next.value;
}

/** Runs `body` to its end, awaiting each statement executed by `exec`. */
export async function runStepsAsync<T>(
  body: Sql<T>,
  exec: (step: Exclude<SqlStep, { op: 'onRollback' }>) => Promise<unknown>,
  onRollbackHook: (hook: () => void) => void,
): Promise<T> {
  let next = body.next();
  while (!next.done) {
    const step = next.value;
    if (step.op === 'onRollback') {
      onRollbackHook(step.hook);
      next = body.next();
      continue;
    }
    let result: unknown;
    try {
      result = await exec(step);
    } catch (err) {
      next = body.throw(err);
      continue;
    }
    next = body.next(result);
  }
  return next.value;
}
