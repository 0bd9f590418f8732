import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import { isDatabaseInUse } from '../../backup/database-in-use';
import { MIGRATIONS } from '../migrations';
import type { TableReferences } from './copy-order';
import { MigrationRefused } from './migration-errors';
import type { SourceTable, TablePlan } from './table-plan';

/** A SQL identifier, quoted (the same syntax on SQLite and PostgreSQL). */
export const quote = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** Tables that are not the gateway's data: TypeORM's bookkeeping and SQLite's own. */
const NOT_DATA = /^(migrations|typeorm_metadata|sqlite_.*)$/;

/**
 * The SQLite database to copy, opened read-only, inside one read transaction: every count and every row comes
 * from the same snapshot. It must not be open in a gateway, and must be at this version's latest migration
 * (the schema the PostgreSQL migrations mirror).
 */
export class SqliteSource {
  private constructor(private readonly db: Database.Database) {}

  static open(file: string): SqliteSource {
    if (!fs.existsSync(file)) throw new MigrationRefused(`${file} does not exist`);
    if (isDatabaseInUse(file)) {
      throw new MigrationRefused(`${file} is in use: stop the gateway (and its tools) first`);
    }
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      db.exec('BEGIN');
      checkMigrations(db, file);
      return new SqliteSource(db);
    } catch (err) {
      db.close();
      throw err;
    }
  }

  /** The gateway's tables: columns, primary key, and the tables their foreign keys reference. */
  tables(): (SourceTable & TableReferences)[] {
    const names = this.db
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
      .pluck()
      .all() as string[];
    return names
      .filter((name) => !NOT_DATA.test(name))
      .map((name) => {
        const info = this.db.prepare(`PRAGMA table_info(${quote(name)})`).all() as {
          name: string;
          pk: number;
        }[];
        const pk = info.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk);
        const fks = this.db.prepare(`PRAGMA foreign_key_list(${quote(name)})`).all() as { table: string }[];
        return {
          name,
          columns: info.map((c) => c.name),
          key: pk.length ? pk.map((c) => c.name) : ['rowid'],
          references: [...new Set(fks.map((f) => f.table))],
        };
      });
  }

  count(table: string): number {
    return this.db
      .prepare(`SELECT COUNT(*) FROM ${quote(table)}`)
      .pluck()
      .get() as number;
  }

  /** The highest value AUTOINCREMENT ever gave in `table` (deleted rows included), 0 if none. */
  autoincrement(table: string): number {
    const has = this.db.prepare(`SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'`).get();
    if (!has) return 0;
    return (
      (this.db.prepare('SELECT seq FROM sqlite_sequence WHERE name = ?').pluck().get(table) as number) ?? 0
    );
  }

  /** The table's rows in key order, `size` at a time (keyset pagination: each page starts after the last key). */
  *pages(plan: TablePlan, size: number): Generator<Record<string, unknown>[]> {
    const ref = (column: string) => (column === 'rowid' ? 'rowid' : quote(column));
    const select = [...new Set([...plan.columns, ...plan.key])].map(ref).join(', ');
    const key = plan.key.map(ref).join(', ');
    const first = this.db.prepare(`SELECT ${select} FROM ${quote(plan.table)} ORDER BY ${key} LIMIT ?`);
    const next = this.db.prepare(
      `SELECT ${select} FROM ${quote(plan.table)} WHERE (${key}) > (${plan.key.map(() => '?').join(', ')}) ` +
        `ORDER BY ${key} LIMIT ?`,
    );
    let rows = first.all(size) as Record<string, unknown>[];
    while (rows.length) {
      yield rows;
      if (rows.length < size) return;
      const last = rows[rows.length - 1];
      rows = next.all(...plan.key.map((k) => last[k]), size) as Record<string, unknown>[];
    }
  }

  close(): void {
    if (this.db.inTransaction) this.db.exec('COMMIT');
    this.db.close();
  }
}

/** Refuses a file that is not a gateway database at exactly this version's migrations. */
function checkMigrations(db: Database.Database, file: string): void {
  const expected = MIGRATIONS.map((M) => (new M() as { name: string }).name);
  let applied: string[];
  try {
    applied = db.prepare('SELECT name FROM migrations').pluck().all() as string[];
  } catch {
    throw new MigrationRefused(`${file} is not a gateway database (it has no migrations table)`);
  }
  const newer = applied.filter((name) => !expected.includes(name));
  if (newer.length) {
    throw new MigrationRefused(
      `${file} was migrated by a newer version of the gateway (${newer.join(', ')}): run this command from that version`,
    );
  }
  const pending = expected.filter((name) => !applied.includes(name));
  if (pending.length) {
    throw new MigrationRefused(
      `${file} is not at the latest schema (${pending.length} migration(s) pending): start this version of the ` +
        'gateway on it once (it migrates the file at boot), stop it, then run this command again',
    );
  }
}
