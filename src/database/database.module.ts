import { Global, Logger, Module } from '@nestjs/common';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { FieldCipher } from '../secrets/field-cipher';
import { checkStoredSecrets, describeStoredSecrets } from '../secrets/stored-secrets-check';
import { dataSourceOptions } from './data-source-options';
import { openDataSource, postgresOptions } from './open-database';
import { describeModeFixes, secureDataFiles } from './private-files';
import { sqlDatabaseFor } from './sql/database-for';
import { SqlDatabase } from './sql/sql';

/**
 * The database connection: a SQLite file (DATABASE_PATH, the default) or PostgreSQL (DATABASE_URL). For SQLite,
 * DATA_DIR and the database files are made private to the gateway's user before it opens. Right after the
 * connection opens, the stored secrets are checked against the configured data keys (a key missing or wrong
 * stops the boot here, before any session could be started and found unreadable). The stores reach the database
 * through the SQL port (`SqlDatabase`), TypeORM's repositories for the rest.
 */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig, FieldCipher],
      useFactory: (config: AppConfig, cipher: FieldCipher) => {
        const logger = new Logger('Database');
        if (!cipher.encrypting) {
          logger.warn(
            'DATA_ENCRYPTION_KEY is not set: WhatsApp credentials and webhook secrets are stored unencrypted',
          );
        }
        if (config.database.engine === 'postgres')
          return { ...postgresOptions(config.database), retryAttempts: 0 };
        const fixes = secureDataFiles(config.DATA_DIR, config.DATABASE_PATH);
        if (fixes.length) logger.warn(describeModeFixes(fixes));
        return { ...dataSourceOptions(config.DATABASE_PATH), retryAttempts: 0 };
      },
      dataSourceFactory: (options) => openDataSource(options!),
    }),
  ],
  providers: [
    {
      provide: SqlDatabase,
      inject: [getDataSourceToken(), FieldCipher],
      useFactory: async (dataSource: DataSource, cipher: FieldCipher) => {
        const sql = sqlDatabaseFor(dataSource);
        try {
          const note = describeStoredSecrets(
            await sql.read(() => checkStoredSecrets(sql.engine, cipher)),
            cipher,
          );
          if (note) new Logger('Database').log(note);
        } catch (err) {
          await dataSource.destroy(); // the boot stops here: leave no open handle behind
          throw err;
        }
        return sql;
      },
    },
  ],
  exports: [SqlDatabase],
})
export class DatabaseModule {}
