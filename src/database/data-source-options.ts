import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

/**
 * The one description of the database, shared by the app (TypeOrmModule) and the TypeORM CLI (ormconfig.ts):
 * better-sqlite3, WAL journal, foreign keys on, a busy timeout for a second process on the same file,
 * migrations run at boot, synchronize never on.
 */
export function dataSourceOptions(databasePath: string): DataSourceOptions {
  fs.mkdirSync(path.dirname(path.resolve(databasePath)), { recursive: true });
  return {
    type: 'better-sqlite3',
    database: databasePath,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsRun: true,
    migrationsTransactionMode: 'each',
    synchronize: false,
    prepareDatabase: (db: any) => {
      db.pragma('journal_mode = WAL');
      db.pragma('foreign_keys = ON');
      db.pragma('busy_timeout = 5000');
      db.pragma('synchronous = NORMAL');
    },
  };
}
