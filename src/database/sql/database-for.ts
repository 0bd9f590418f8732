import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { PostgresDatabase } from './postgres-database';
import type { SqlDatabase } from './sql';
import { SqliteDatabase } from './sqlite-database';

const ADAPTERS = new WeakMap<DataSource, SqlDatabase>();

/**
 * The SQL port on an initialised TypeORM DataSource, one per DataSource (so every store of a process shares
 * one write lane): SQLite's raw better-sqlite3 handle, or the node-postgres pool TypeORM opened.
 */
export function sqlDatabaseFor(dataSource: DataSource): SqlDatabase {
  let adapter = ADAPTERS.get(dataSource);
  if (adapter) return adapter;
  if (dataSource.options.type === 'postgres') {
    const postgres = new PostgresDatabase((dataSource.driver as unknown as { master: Pool }).master);
    // The write lane finishes the writes already asked for and gives its connection back before the pool ends.
    const destroy = dataSource.destroy.bind(dataSource);
    (dataSource as { destroy: () => Promise<void> }).destroy = async () => {
      await postgres.close();
      await destroy();
    };
    adapter = postgres;
  } else adapter = new SqliteDatabase(dataSource);
  ADAPTERS.set(dataSource, adapter);
  return adapter;
}
