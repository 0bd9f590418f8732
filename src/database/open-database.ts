import { Logger } from '@nestjs/common';
import { DataSource, DataSourceOptions } from 'typeorm';
import type { PostgresSettings } from '../config/database-settings';
import type { AppConfig } from '../config/app-config';
import { dataSourceOptions } from './data-source-options';
import { describeDatabaseError } from './postgres/describe-database-error';
import { migrateUnderLock, postgresDataSourceOptions } from './postgres/postgres-options';
import { narrowDatabaseFiles } from './private-files';
import { serializeTransactions } from './serialized-transactions';
import { checkpointInBackground } from './wal-checkpointer';

/** The URL a boot error may name (redacted there), kept beside the options TypeORM is given. */
const urls = new WeakMap<object, string>();

/** PostgreSQL's DataSource options, remembered with their URL for `openDataSource`'s error. */
export function postgresOptions(settings: PostgresSettings): DataSourceOptions {
  const options = postgresDataSourceOptions(settings);
  urls.set(options, settings.url);
  return options;
}

/**
 * Opens a database: a SQLite file (its migrations run at initialisation; writes serialised, WAL checkpointed in
 * the background), or PostgreSQL with its migrations under an advisory lock (processes booting together migrate
 * one after the other). A PostgreSQL that cannot be used fails with a message naming DATABASE_URL and the
 * reason, never the password.
 */
export async function openDataSource(options: DataSourceOptions): Promise<DataSource> {
  if (options.type !== 'postgres') {
    const dataSource = serializeTransactions(await new DataSource(options).initialize());
    narrowDatabaseFiles(options.database as string);
    return checkpointInBackground(dataSource, (message) =>
      new Logger('Database').warn(`Background WAL checkpoint failed: ${message}`),
    );
  }
  const dataSource = new DataSource(options);
  try {
    await dataSource.initialize();
    await migrateUnderLock(dataSource);
  } catch (err) {
    if (dataSource.isInitialized) await dataSource.destroy().catch(() => undefined);
    throw new Error(describeDatabaseError(err, urls.get(options) ?? String(options.url ?? '')));
  }
  return dataSource;
}

/** The configured database, opened and migrated, for the command-line tools (the gateway uses DatabaseModule). */
export function openConfiguredDatabase(config: AppConfig): Promise<DataSource> {
  return openDataSource(
    config.database.engine === 'postgres'
      ? postgresOptions(config.database)
      : dataSourceOptions(config.DATABASE_PATH),
  );
}
