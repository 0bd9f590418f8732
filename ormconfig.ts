import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from './src/config/load-config';
import { dataSourceOptions } from './src/database/data-source-options';

/** The DataSource for the TypeORM CLI (`npm run migration:generate -- src/database/migrations/<Name>`). */
export default new DataSource(dataSourceOptions(loadConfig().DATABASE_PATH));
