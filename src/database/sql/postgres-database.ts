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
      // A connection that breaks while idle is dropped; the next batch opens another.
      client.on('error', () => {
        if (this.writer === client) this.writer = null;
        client.release(true);
      });
      this.writer = client;
    }
    return this.writer;
  }

  private async commitBatch(batch: PendingWrite[]): Promise<void> {
    let client: PoolClient;
    try {
      client = await this.connection();
    } catch (err) {
      for (const write of batch) write.reject(err);
      return;
    }
    const hooks: (() => void)[] = [];
    const results: unknown[] = [];
    try {
      await client.query('BEGIN');
      for (const write of batch)
        results.push(
          await runStepsAsync(
            write.body(),
            (step) => this.exec(client, step),
            (hook) => hooks.push(hook),
          ),
        );
      await client.query('COMMIT');
    } catch (err) {
      await this.rollback(client);
      runHooks(hooks);
      if (batch.length === 1) batch[0].reject(err);
      // One of them failed and nothing of the batch was kept: each runs again alone, so only a write that fails
      // by itself is refused.
      else for (const write of batch) await this.commitBatch([write]);
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
    const result: QueryResult = await client.query({
      ...this.prepared(step.sql),
      values: step.params.map(storable),
    });
    switch (step.op) {
      case 'run':
        return result.rowCount ?? 0;
      case 'get':
        return result.rows[0];
      case 'all':
        return result.rows;
    }
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
 * PostgreSQL's text cannot hold U+0000 (SQLite's can): a contact's message carrying one would fail its insert
 * again at every redelivery. It is stored as U+FFFD instead (the API refuses NUL in what it accepts).
 */
const storable = (value: SqlParam): SqlParam =>
  typeof value === 'string' && value.includes('\0') ? value.replace(/\0/g, '\uFFFD') : value;

function runHooks(hooks: (() => void)[]): void {
  for (const hook of hooks) {
    try {
      hook();
    } catch {
      // A hook only gives back in-memory state; one failing must not keep the others from running.
    }
  }
}
