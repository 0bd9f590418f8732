import type { Database } from 'better-sqlite3';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';
import { narrowDatabaseFiles } from './private-files';

/**
 * The one description of the database, shared by the app (TypeOrmModule) and the TypeORM CLI (ormconfig.ts):
 * better-sqlite3, WAL journal, foreign keys on, a busy timeout for a second process on the same file,
 * migrations run at boot, synchronize never on. The file is created private (0600) before SQLite opens it, and
 * SQLite gives its -wal and -shm files the database file's mode; existing ones are narrowed once open.
 * `prepare` runs on the raw connection right after (before migrations).
 */
export function dataSourceOptions(databasePath: string, prepare?: (db: Database) => void): DataSourceOptions {
  const file = path.resolve(databasePath);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  if (!fs.existsSync(file)) fs.closeSync(fs.openSync(file, 'a', 0o600));
  return {
    type: 'better-sqlite3',
    database: databasePath,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsRun: true,
    migrationsTransactionMode: 'each',
    synchronize: false,
    prepareDatabase: (db: Database) => {
      db.pragma('journal_mode = WAL');
      db.pragma('foreign_keys = ON');
      db.pragma('busy_timeout = 5000');
      db.pragma('synchronous = NORMAL');
      narrowDatabaseFiles(databasePath);
      try {
        prepare?.(db);
      } catch (err) {
        db.close(); // the boot stops here: leave no open handle behind
        throw err;
      }
    },
  };
}
