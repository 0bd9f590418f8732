import { Logger, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config';
import { dataSourceOptions } from './data-source-options';
import { serializeTransactions } from './serialized-transactions';
import { checkpointInBackground } from './wal-checkpointer';
import { DataSource } from 'typeorm';

@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({ ...dataSourceOptions(config.DATABASE_PATH), retryAttempts: 0 }),
      dataSourceFactory: async (options) =>
        checkpointInBackground(
          serializeTransactions(await new DataSource(options!).initialize()),
          (message) => new Logger('Database').warn(`Background WAL checkpoint failed: ${message}`),
        ),
    }),
  ],
})
export class DatabaseModule {}
