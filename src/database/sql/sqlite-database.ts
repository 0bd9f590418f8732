import type { Database, Statement } from 'better-sqlite3';
import type { DataSource } from 'typeorm';
import { observeCommits, onRollback, rawDb, writeTransaction } from '../serialized-transactions';
import { CommitObserver, runSteps, Sql, SqlDatabase, SqlParam, SqlStep } from './sql';

type Statementish = Exclude<SqlStep, { op: 'onRollback' }>;

/**
 * The SQL port on SQLite: better-sqlite3's synchronous prepared statements (cached per SQL text) on TypeORM's
 * single connection, writes in the group-commit lane of `serialized-transactions`. A body runs synchronously
 * from its first statement to its last, so a write transaction never stays open while other code runs.
 */
export class SqliteDatabase extends SqlDatabase {
  readonly engine = 'sqlite' as const;
  private readonly statements = new Map<string, Statement>();

  constructor(private readonly dataSource: DataSource) {
    super();
  }

  private get db(): Database {
    return rawDb(this.dataSource);
  }

  write<T>(body: () => Sql<T>): Promise<T> {
    return writeTransaction(this.dataSource, () => runSteps(body(), this.exec, onRollback));
  }

  read<T>(body: () => Sql<T>): Promise<T> {
    try {
      return Promise.resolve(runSteps(body(), this.exec, () => undefined));
    } catch (err) {
      return Promise.reject(err as Error);
    }
  }

  observeCommits(observer: CommitObserver | null): void {
    observeCommits(this.dataSource, observer);
  }

  async ping(): Promise<void> {
    this.statement('SELECT 1').get();
  }

  private readonly exec = (step: Statementish): unknown => executeStep(this.statement(step.sql), step);

  private statement(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) this.statements.set(sql, (statement = this.db.prepare(sql)));
    return statement;
  }
}

function executeStep(statement: Statement, step: Statementish): unknown {
  const params = step.params.map(bindable);
  switch (step.op) {
    case 'run':
      return statement.run(...params).changes;
    case 'execute':
      statement.run(...params);
      return undefined;
    case 'get':
      return statement.get(...params);
    case 'all':
      return statement.all(...params);
  }
}

/**
 * Runs `body` at once on a raw better-sqlite3 handle, outside the write lane (for tools that hold the file
 * themselves, before or without a running gateway: restore, key rotation).
 */
export function runOnSqlite<T>(db: Database, body: Sql<T>): T {
  return runSteps(
    body,
    (step) => executeStep(db.prepare(step.sql), step),
    () => undefined,
  );
}

/** SQLite has no boolean type: better-sqlite3 binds 1/0. */
const bindable = (value: SqlParam): Exclude<SqlParam, boolean> =>
  typeof value === 'boolean' ? (value ? 1 : 0) : value;
