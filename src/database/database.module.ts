import { Global, Logger, Module } from '@nestjs/common';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { FieldCipher } from '../secrets/field-cipher';
import { checkStoredSecretsOn, describeStoredSecrets } from '../secrets/stored-secrets-check';
import { dataSourceOptions } from './data-source-options';
import { describeModeFixes, narrowDatabaseFiles, secureDataFiles } from './private-files';
import { serializeTransactions } from './serialized-transactions';
import { checkpointInBackground } from './wal-checkpointer';
import { SqlDatabase } from './sql/sql';
import { sqlDatabaseFor } from './sql/database-for';

/**
 * The database connection. Before it opens, DATA_DIR and the database files are made private to the gateway's
 * user; right after, the stored secrets are checked against the configured data keys (a key missing or wrong
 * stops the boot here, before any session could be started and found unreadable).
 */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig, FieldCipher],
      useFactory: (config: AppConfig, cipher: FieldCipher) => {
        const logger = new Logger('Database');
        const fixes = secureDataFiles(config.DATA_DIR, config.DATABASE_PATH);
        if (fixes.length) logger.warn(describeModeFixes(fixes));
        if (!cipher.encrypting) {
          logger.warn(
            'DATA_ENCRYPTION_KEY is not set: WhatsApp credentials and webhook secrets are stored unencrypted',
          );
        }
        const options = dataSourceOptions(config.DATABASE_PATH, (db) => {
          const note = describeStoredSecrets(checkStoredSecretsOn(db, cipher), cipher);
          if (note) logger.log(note);
        });
        return { ...options, retryAttempts: 0 };
      },
      dataSourceFactory: async (options) => {
        const dataSource = serializeTransactions(await new DataSource(options!).initialize());
        narrowDatabaseFiles(options!.database as string);
        return checkpointInBackground(dataSource, (message) =>
          new Logger('Database').warn(`Background WAL checkpoint failed: ${message}`),
        );
      },
    }),
  ],
  providers: [
    {
      provide: SqlDatabase,
      inject: [getDataSourceToken()],
      useFactory: (dataSource: DataSource) => sqlDatabaseFor(dataSource),
    },
  ],
  exports: [SqlDatabase],
})
export class DatabaseModule {}
