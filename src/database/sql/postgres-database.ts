import type { Writable } from 'node:stream';
import type { Pool, PoolClient, QueryResult } from 'pg';
import { CommitObserver, runStepsAsync, Sql, SqlDatabase, SqlParam, SqlStep } from './sql';

type Statementish = Exclude<SqlStep, { op: 'onRollback' }>;

interface PendingWrite {
  body: () => Sql<unknown>;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
}

/**
 * The SQL port on PostgreSQL (node-postgres, on the pool TypeORM opened).
 *
 * Writes are group-committed like on SQLite: those asked for during one turn of the event loop (and, under load,
 * while the previous batch commits) run one after the other in one transaction on the write connection, and each
 * settles after the commit. This keeps the guarantees the gateway is built on, on both engines: writes commit in
 * the order they were asked for, and nothing is answered as stored before it is durable. A batch whose write
 * fails is rolled back and each write runs again alone. Reads run on the other connections of the pool, in
 * parallel with the writes.
 *
 * Statements are prepared once per connection (named by their SQL text), `?` placeholders become `$1..$n`.
 */
export class PostgresDatabase extends SqlDatabase {
  readonly engine = 'postgres' as const;
  private readonly texts = new Map<string, { name: string; text: string }>();
  /** Row builders by column list (see `compileRowBuilder`). */
  private readonly builders = new Map<string, RowBuilder>();
  private batch: PendingWrite[] | null = null;
  /** Set while a batch commits; `tail` settles when it is done. */
  private committing = false;
  private tail: Promise<void> = Promise.resolve();
  private writer: PoolClient | null = null;
  private observer: CommitObserver | null = null;
  private closed = false;

  constructor(private readonly pool: Pool) {
    super();
  }

  write<T>(body: () => Sql<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('The database is closed'));
    return new Promise<T>((resolve, reject) => {
      const write: PendingWrite = { body, resolve: resolve as (value: unknown) => void, reject };
      if (this.batch) {
        this.batch.push(write);
        return;
      }
      const batch = [write];
      this.batch = batch;
      // While a batch is committing, the next one stays open until it is done (see closeBatch).
      if (!this.committing)
        setImmediate(() => {
          if (this.batch === batch && !this.committing) this.closeBatch();
        });
    });
  }

  read<T>(body: () => Sql<T>): Promise<T> {
    return runStepsAsync(
      body(),
      (step) => this.exec(this.pool, step),
      () => undefined,
    );
  }

  observeCommits(observer: CommitObserver | null): void {
    this.observer = observer;
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  /** Waits for the writes already asked for, then gives the write connection back (before the pool ends). */
  async close(): Promise<void> {
    if (this.batch && !this.committing) this.closeBatch();
    this.closed = true;
    while (this.committing) await this.tail;
    if (this.writer) setPipelined(this.writer, false);
    this.writer?.release();
    this.writer = null;
  }

  /**
   * Commits the open batch. Writes asked for while it commits gather in the next batch, which is closed as soon
   * as this one is done: each statement is a round trip on the one write connection, so under load a batch per
   * commit (rather than per turn of the event loop) shares BEGIN and COMMIT among more writes. Order is kept:
   * batches commit one after the other, each in the order its writes were asked for.
   */
  private closeBatch(): void {
    const batch = this.batch!;
    this.batch = null;
    this.committing = true;
    this.tail = (async () => {
      const started = performance.now();
      try {
        await this.commitBatch(batch);
        this.observer?.((performance.now() - started) / 1000, batch.length);
      } finally {
        this.committing = false;
        if (this.batch) this.closeBatch();
      }
    })();
  }

  private async connection(): Promise<PoolClient> {
    if (!this.writer) {
      const client = await this.pool.connect();
      // The write lane sends a transaction's statements without waiting for each answer (see Pipeline); the
      // pool's other connections (reads, TypeORM) stay in node-postgres' default mode, one query at a time.
      setPipelined(client, true);
      // A connection that breaks while idle is dropped; the next batch opens another.
      client.on('error', () => {
        if (this.writer === client) this.writer = null;
        client.release(true);
      });
      this.writer = client;
    }
    return this.writer;
  }

  /**
   * Runs the batch in one transaction and settles each write. Pipelined first: BEGIN and the statements whose
   * answers the bodies do not wait for are sent back to back, and the batch waits only where a body needs an
   * answer, then once for the lot before COMMIT. If a statement failed, or one of `runExpecting` changed another
   * number of rows than the body went on with, nothing is committed and the writes run again `strict`ly, each
   * statement awaited and its true answer (or error) handed to the body, as the whole batch (a count that
   * differed) or each write alone (a failure), so only a write that fails by itself is refused.
   */
  private async commitBatch(batch: PendingWrite[], strict = false): Promise<void> {
    let client: PoolClient;
    try {
      client = await this.connection();
    } catch (err) {
      for (const write of batch) write.reject(err);
      return;
    }
    const hooks: (() => void)[] = [];
    const results: unknown[] = [];
    const pipeline = strict ? null : new Pipeline(client, (step) => this.exec(client, step));
    try {
      if (pipeline) {
        pipeline.send({ op: 'execute', sql: 'BEGIN', params: [] });
        for (const write of batch) results.push(await pipeline.runBody(write.body(), hooks));
        await pipeline.settled();
      } else {
        await client.query('BEGIN');
        for (const write of batch)
          results.push(
            await runStepsAsync(
              write.body(),
              (step) => this.exec(client, step),
              (hook) => hooks.push(hook),
            ),
          );
      }
      // A statement that failed leaves the transaction aborted, and PostgreSQL answers its COMMIT by rolling back.
      const commit = await client.query('COMMIT');
      if (commit.command !== 'COMMIT') throw new Error(`The transaction was rolled back (${commit.command})`);
    } catch (err) {
      // Statements still in flight are answered first (a body's own error may follow a failure not yet seen).
      const failure = pipeline ? await pipeline.outcome() : null;
      await this.rollback(client);
      runHooks(hooks);
      if (failure instanceof CountDiffered) await this.commitBatch(batch, true);
      else if (batch.length === 1 && !failure) batch[0].reject(err);
      // One of them failed and nothing of the batch was kept: each runs again alone, so only a write that fails
      // by itself is refused.
      else for (const write of batch) await this.commitBatch([write], true);
      return;
    }
    batch.forEach((write, i) => write.resolve(results[i]));
  }

  private async rollback(client: PoolClient): Promise<void> {
    try {
      await client.query('ROLLBACK');
    } catch {
      // The connection itself failed: drop it, the next batch opens another.
      if (this.writer === client) {
        this.writer = null;
        client.release(true);
      }
    }
  }

  private async exec(client: Pool | PoolClient, step: Statementish): Promise<unknown> {
    const result: QueryResult<unknown[]> = await client.query({
      ...this.prepared(step.sql),
      values: step.params.map(storable),
      rowMode: 'array',
    });
    switch (step.op) {
      case 'run':
        return result.rowCount ?? 0;
      case 'execute':
        return undefined;
      case 'get':
        return result.rows.length ? this.rowBuilder(result.fields)(result.rows[0]) : undefined;
      case 'all':
        return result.rows.map(this.rowBuilder(result.fields));
    }
  }

  private rowBuilder(fields: { name: string }[]): RowBuilder {
    const names = fields.map((f) => f.name);
    const key = names.join('\0');
    let builder = this.builders.get(key);
    if (!builder) this.builders.set(key, (builder = compileRowBuilder(names)));
    return builder;
  }

  /** The statement's numbered text and its name (prepared once per connection by node-postgres). */
  private prepared(sql: string): { name: string; text: string } {
    let prepared = this.texts.get(sql);
    if (!prepared) {
      let n = 0;
      prepared = { name: `s${this.texts.size + 1}`, text: sql.replace(/\?/g, () => `$${++n}`) };
      this.texts.set(sql, prepared);
    }
    return prepared;
  }
}

/**
 * A function that turns a row's values (node-postgres' `rowMode: 'array'`) into an object keyed by column name:
 * an object literal with the names as constant keys, compiled once per column list. Every row of a statement
 * then has one shape from the start. node-postgres' own objects (and a loop setting keys) are built key by key,
 * through inline caches that every statement of the process shares: measured on a history page of 50 rows of 35
 * columns, that was 80-100 us per row in the gateway (docs/BENCHMARKS.md, "History at 1,000,000 messages").
 * The names come from the server's row description of our own statements; JSON.stringify quotes each as a key.
 */
function compileRowBuilder(names: string[]): RowBuilder {
  const keys = names.map((name, i) => `${JSON.stringify(name)}: v[${i}]`).join(', ');
  return new Function('v', `return { ${keys} };`) as RowBuilder;
}

type RowBuilder = (values: unknown[]) => Record<string, unknown>;

/** node-postgres' pipeline mode (`new Client({ pipeline: true })`), switched on a pooled client while it is idle. */
function setPipelined(client: PoolClient, on: boolean): void {
  (client as PoolClient & { pipeline: boolean }).pipeline = on;
}

/**
 * PostgreSQL's text cannot hold U+0000 (SQLite's can): a contact's message carrying one would fail its insert
 * again at every redelivery. It is stored as U+FFFD instead (the API refuses NUL in what it accepts).
 */
const storable = (value: SqlParam): SqlParam =>
  typeof value === 'string' && value.includes('\0') ? value.replace(/\0/g, '\uFFFD') : value;

/** A `runExpecting` statement changed another number of rows than its body went on with. */
class CountDiffered extends Error {
  constructor(sql: string, expected: number, actual: unknown) {
    super(`expected ${expected} changed rows, got ${String(actual)}: ${sql.slice(0, 60)}`);
  }
}

/**
 * The statements of one pipelined transaction on the write connection (node-postgres' `pipeline` mode writes
 * each query at once, without waiting for the answers to those before it; the answers come back in order).
 * The first failure, or count that differed, is kept: every later statement of the transaction fails anyway.
 */
class Pipeline {
  private readonly sent: Promise<void>[] = [];
  /** The first statement that failed on the database, or whose count differed. */
  private failure: Error | null = null;
  private corked = false;

  constructor(
    private readonly client: PoolClient,
    private readonly exec: (step: Statementish) => Promise<unknown>,
  ) {}

  /** Sends a statement whose answer nobody waits for; `expect` is the count the body went on with. */
  send(step: Statementish): void {
    this.cork();
    this.sent.push(
      this.exec(step).then(
        (result) => {
          if (step.expect !== undefined && result !== step.expect)
            this.fail(new CountDiffered(step.sql, step.expect, result));
        },
        (err: Error) => this.fail(err),
      ),
    );
  }

  /** Resolves once every statement sent so far has been answered; throws the first failure. */
  async settled(): Promise<void> {
    if (await this.outcome()) throw this.failure;
  }

  /** Once every statement sent so far has been answered: the first failure, or null. */
  async outcome(): Promise<Error | null> {
    await Promise.all(this.sent);
    this.sent.length = 0;
    return this.failure;
  }

  /**
   * Runs one write's body: statements the body does not wait for are sent and it goes on at once; one whose
   * answer it needs is sent behind them, and answered once they all have been, without a failure.
   */
  async runBody<T>(body: Sql<T>, hooks: (() => void)[]): Promise<T> {
    let next = body.next();
    while (!next.done) {
      const step = next.value;
      if (step.op === 'onRollback') {
        hooks.push(step.hook);
        next = body.next();
      } else if (step.op === 'execute' || (step.op === 'run' && step.expect !== undefined)) {
        this.send(step);
        next = body.next(step.expect);
      } else {
        this.cork();
        const answer = this.exec(step).catch((err: Error) => {
          this.fail(err);
          throw err;
        });
        answer.catch(() => undefined); // read below, once those before it are answered
        await this.settled();
        next = body.next(await answer);
      }
    }
    return next.value;
  }

  /**
   * The statements sent in one stretch of a body leave in one write to the socket rather than one each (node's
   * `cork`, which node-postgres itself uses for the messages of one query): uncorked before anything is awaited.
   */
  private cork(): void {
    if (this.corked) return;
    const stream = (this.client as unknown as { connection?: { stream?: Writable } }).connection?.stream;
    if (typeof stream?.cork !== 'function') return;
    stream.cork();
    this.corked = true;
    process.nextTick(() => {
      this.corked = false;
      stream.uncork();
    });
  }

  private fail(err: Error): void {
    this.failure ??= err;
  }
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
