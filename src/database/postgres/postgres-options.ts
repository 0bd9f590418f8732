import type { ConnectionOptions, TlsOptions } from 'node:tls';
import type { DataSourceOptions } from 'typeorm';
import type { DatabaseSsl, PostgresSettings } from '../../config/database-settings';
import { ENTITIES } from '../entities';
import { POSTGRES_MIGRATIONS } from './migrations';
import './pg-int8';

export { migrateUnderLock } from './migrate-under-lock';

/** How long a new connection may take (TCP, TLS, authentication) before it fails, rather than the OS's minutes. */
export const CONNECT_TIMEOUT_MS = 10_000;

/** URL parameters about TLS: node-postgres would let them override the `ssl` option, so DATABASE_SSL decides. */
const TLS_PARAMS = ['ssl', 'sslmode', 'sslrootcert', 'sslcert', 'sslkey', 'sslcompression', 'uselibpqcompat'];

/** The URL without its TLS parameters (see TLS_PARAMS); the rest (user, password, host, options) unchanged. */
export function withoutTlsParams(url: string): string {
  const query = url.indexOf('?');
  if (query < 0) return url;
  const params = new URLSearchParams(url.slice(query + 1));
  for (const name of TLS_PARAMS) params.delete(name);
  const rest = params.toString();
  return rest ? `${url.slice(0, query)}?${rest}` : url.slice(0, query);
}

/** node-postgres' `ssl` for a DATABASE_SSL mode, as libpq's sslmode of the same name. */
export function pgSslOptions(
  ssl: DatabaseSsl,
): false | (TlsOptions & Pick<ConnectionOptions, 'checkServerIdentity'>) {
  switch (ssl.mode) {
    case 'disable':
      return false;
    case 'require':
      return { rejectUnauthorized: false };
    case 'verify-ca':
      return { rejectUnauthorized: true, ca: ssl.ca, checkServerIdentity: () => undefined };
    case 'verify-full':
      return { rejectUnauthorized: true, ca: ssl.ca };
  }
}

/**
 * The PostgreSQL DataSource: the same entities as SQLite, the PostgreSQL migrations, never synchronize. Migrations
 * do not run at initialisation: call `migrateUnderLock(dataSource)` once it is initialised, so that processes
 * booting together on one database do not migrate it at the same time.
 */
export function postgresDataSourceOptions(
  settings: Pick<PostgresSettings, 'url' | 'poolSize' | 'ssl'>,
): DataSourceOptions {
  return {
    type: 'postgres',
    url: withoutTlsParams(settings.url),
    ssl: pgSslOptions(settings.ssl),
    applicationName: 'wa-gateway',
    connectTimeoutMS: CONNECT_TIMEOUT_MS,
    extra: { max: settings.poolSize },
    entities: ENTITIES,
    migrations: POSTGRES_MIGRATIONS,
    migrationsRun: false,
    migrationsTransactionMode: 'all',
    synchronize: false,
  };
}
