import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { openDataSource, postgresOptions } from '../../src/database/open-database';
import { rawDb } from '../../src/database/serialized-transactions';
import { sqlDatabaseFor } from '../../src/database/sql/database-for';
import type { SqlDatabase, SqlEngine } from '../../src/database/sql/sql';
import { freshPostgresDatabase, TestDatabase } from './postgres';

/** One connection to the database under test: TypeORM's DataSource and the SQL port on it. */
export interface Connection {
  dataSource: DataSource;
  sql: SqlDatabase;
}

/** The database a test runs against, on one engine. */
export interface EngineUnderTest extends Connection {
  engine: SqlEngine;
  /**
   * Another DataSource on the same database (as a second gateway process would open it): on PostgreSQL its own
   * pool and write connection, on SQLite another handle on the same file. Closed after the test.
   */
  second(): Promise<Connection>;
}

const ENGINES: SqlEngine[] = ['sqlite', 'postgres'];

/** Every table but the migrations' bookkeeping, emptied before each test. */
async function tables(ds: DataSource, engine: SqlEngine): Promise<string[]> {
  const rows: { name: string }[] = await ds.query(
    engine === 'sqlite'
      ? `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'migrations'`
      : `SELECT table_name AS name FROM information_schema.tables
          WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'migrations'`,
  );
  return rows.map((r) => r.name);
}

async function emptyAll(ds: DataSource, engine: SqlEngine): Promise<void> {
  const names = await tables(ds, engine);
  if (engine === 'postgres') {
    await ds.query(`TRUNCATE ${names.map((n) => `"${n}"`).join(', ')} RESTART IDENTITY CASCADE`);
    return;
  }
  const db = rawDb(ds);
  db.pragma('foreign_keys = OFF');
  try {
    db.transaction(() => {
      for (const name of names) db.prepare(`DELETE FROM "${name}"`).run();
    })();
  } finally {
    db.pragma('foreign_keys = ON');
  }
}

/**
 * Medium tests, one body for both engines: `body` is declared once per engine, each with a real database of
 * its own (a SQLite file in a temporary directory; a fresh database on the run's PostgreSQL server), migrated
 * as the gateway migrates it and emptied before each test. `db()` answers the current engine's connection.
 */
export function describeEachEngine(name: string, body: (db: () => EngineUnderTest) => void): void {
  describe.each(ENGINES)(`${name} (%s)`, (engine) => {
    let dir: string | null = null;
    let postgres: TestDatabase | null = null;
    let current: EngineUnderTest | null = null;
    let seconds: DataSource[] = [];

    const open = async (): Promise<Connection> => {
      const dataSource = await openDataSource(
        engine === 'sqlite'
          ? dataSourceOptions(path.join(dir!, 'app.db'))
          : postgresOptions({ engine, url: postgres!.url, poolSize: 4, ssl: { mode: 'disable' } }),
      );
      return { dataSource, sql: sqlDatabaseFor(dataSource) };
    };

    beforeAll(async () => {
      if (engine === 'sqlite') dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stores-'));
      else postgres = await freshPostgresDatabase();
      const main = await open();
      current = {
        engine,
        ...main,
        second: async () => {
          const other = await open();
          seconds.push(other.dataSource);
          return other;
        },
      };
    });

    beforeEach(async () => {
      await emptyAll(current!.dataSource, engine);
    });

    afterEach(async () => {
      const closing = seconds;
      seconds = [];
      await Promise.all(closing.map((ds) => ds.destroy()));
    });

    afterAll(async () => {
      if (current?.dataSource.isInitialized) await current.dataSource.destroy();
      current = null;
      if (postgres) await postgres.drop();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    body(() => current!);
  });
}
