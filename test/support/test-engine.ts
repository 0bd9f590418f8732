import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Client } from 'pg';
import { freshPostgresDatabase } from './postgres';

/**
 * The database engine the end-to-end suites run on: SQLite (a file in the test's data dir) unless
 * TEST_DB_ENGINE=postgres, which gives each data dir a database of its own on the run's PostgreSQL server
 * (`npm run test:postgres`). A restart on the same dir (or a child process given it) finds the same database:
 * its URL is kept in the dir.
 */
export const TEST_DB_ENGINE = process.env.TEST_DB_ENGINE === 'postgres' ? 'postgres' : 'sqlite';

/** The variables that put a gateway whose data lives in `dir` on the engine of the run. */
export async function databaseEnv(dir: string): Promise<Record<string, string>> {
  if (TEST_DB_ENGINE === 'sqlite') return { DATABASE_PATH: path.join(dir, 'app.db') };
  const file = path.join(dir, '.test-database-url');
  if (!fs.existsSync(file)) fs.writeFileSync(file, (await freshPostgresDatabase()).url);
  return { DATABASE_URL: fs.readFileSync(file, 'utf8') };
}

/**
 * Rows of a query (`?` placeholders) on the database of the gateway whose data lives in `dir`, read from
 * outside the gateway (it may be running, or killed): the SQLite file read-only, or its PostgreSQL database.
 */
export async function queryTestDb<T>(dir: string, sql: string, params: unknown[] = []): Promise<T[]> {
  return onTestDb<T>(dir, sql, params, true);
}

/** Runs a statement (`?` placeholders) on that database, as a crash or another tool would have left it. */
export async function execTestDb(dir: string, sql: string, params: unknown[] = []): Promise<void> {
  await onTestDb(dir, sql, params, false);
}

async function onTestDb<T>(dir: string, sql: string, params: unknown[], readonly: boolean): Promise<T[]> {
  if (TEST_DB_ENGINE === 'sqlite') {
    const db = new Database(path.join(dir, 'app.db'), { readonly });
    if (!readonly) {
      db.prepare(sql).run(...params);
      db.close();
      return [];
    }
    try {
      return db.prepare(sql).all(...params) as T[];
    } finally {
      db.close();
    }
  }
  const client = new Client({ connectionString: (await databaseEnv(dir)).DATABASE_URL });
  await client.connect();
  try {
    let n = 0;
    const rows = (
      await client.query(
        sql.replace(/\?/g, () => `$${++n}`),
        params,
      )
    ).rows as Record<string, unknown>[];
    // COUNT(*) and SUM() come back as strings from PostgreSQL: numbers, as SQLite gives them.
    return rows.map(
      (r) =>
        Object.fromEntries(
          Object.entries(r).map(([k, v]) => [k, typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v]),
        ) as T,
    );
  } finally {
    await client.end();
  }
}
