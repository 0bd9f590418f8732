import * as fs from 'node:fs';
import { redactDatabaseUrl } from './redact-database-url';

export { redactDatabaseUrl };

/** TLS towards PostgreSQL, as libpq's sslmode: off, encrypted, encrypted to a trusted CA, and to the URL's host name. */
export const DATABASE_SSL_MODES = ['disable', 'require', 'verify-ca', 'verify-full'] as const;
export type DatabaseSslMode = (typeof DATABASE_SSL_MODES)[number];

/** `ca`: the PEM text of DATABASE_SSL_CA (read at boot), else the system's trusted CAs. */
export interface DatabaseSsl {
  mode: DatabaseSslMode;
  ca?: string;
}

export interface SqliteSettings {
  engine: 'sqlite';
  path: string;
}

export interface PostgresSettings {
  engine: 'postgres';
  /** As given, password included: log `redactDatabaseUrl(url)`, never this. */
  url: string;
  poolSize: number;
  ssl: DatabaseSsl;
}

export type DatabaseSettings = SqliteSettings | PostgresSettings;

/** The variables read here, already validated one by one (types, ranges) by `AppConfig`. */
export interface DatabaseVariables {
  DATABASE_URL?: string;
  DATABASE_PATH: string;
  DATABASE_POOL_SIZE: number;
  DATABASE_SSL?: string;
  DATABASE_SSL_CA?: string;
}

/** One line per problem, each naming its variable; never the URL itself (it may hold a password). */
export class DatabaseSettingsError extends Error {}

const isSslMode = (value: string): value is DatabaseSslMode =>
  (DATABASE_SSL_MODES as readonly string[]).includes(value);

/** sslmode (libpq), else ssl=true|false (node-postgres) from the URL's query; undefined when neither is there. */
function sslFromUrl(url: URL, problems: string[]): DatabaseSslMode | undefined {
  const sslmode = url.searchParams.get('sslmode');
  if (sslmode !== null) {
    if (isSslMode(sslmode)) return sslmode;
    problems.push(
      `DATABASE_URL: sslmode=${sslmode} is not supported; use ${DATABASE_SSL_MODES.join(', ')} (or set DATABASE_SSL)`,
    );
    return undefined;
  }
  const ssl = url.searchParams.get('ssl');
  if (ssl === null) return undefined;
  if (['true', '1'].includes(ssl)) return 'require';
  if (['false', '0'].includes(ssl)) return 'disable';
  problems.push(`DATABASE_URL: ssl=${ssl} is not supported; use sslmode=${DATABASE_SSL_MODES.join('|')}`);
  return undefined;
}

/**
 * Which database the gateway uses: SQLite at DATABASE_PATH when DATABASE_URL is unset, PostgreSQL when it is a
 * postgres:// or postgresql:// URL. TLS comes from DATABASE_SSL, else from the URL's sslmode, else it is off;
 * the CA file from DATABASE_SSL_CA, else the URL's sslrootcert. Throws a DatabaseSettingsError otherwise.
 */
export function resolveDatabaseSettings(
  vars: DatabaseVariables,
  readFile: (path: string) => string = (path) => fs.readFileSync(path, 'utf8'),
): DatabaseSettings {
  if (vars.DATABASE_URL === undefined) return { engine: 'sqlite', path: vars.DATABASE_PATH };
  const problems: string[] = [];
  const raw = vars.DATABASE_URL.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(raw)?.[1]?.toLowerCase();
  if (scheme !== 'postgres' && scheme !== 'postgresql') {
    throw new DatabaseSettingsError(
      `DATABASE_URL: must be a postgres:// or postgresql:// URL` +
        (scheme ? ` (the scheme is ${scheme.slice(0, 20)}:)` : '') +
        '; leave it unset for SQLite at DATABASE_PATH',
    );
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new DatabaseSettingsError(
      'DATABASE_URL: not a valid URL (characters such as @ : / ? # in the user name or password must be percent-encoded)',
    );
  }
  if (!url.hostname && !url.searchParams.get('host')) problems.push('DATABASE_URL: names no host');

  let mode: DatabaseSslMode = 'disable';
  if (vars.DATABASE_SSL !== undefined) {
    if (isSslMode(vars.DATABASE_SSL)) mode = vars.DATABASE_SSL;
    else problems.push(`DATABASE_SSL: must be one of ${DATABASE_SSL_MODES.join(', ')}`);
  } else mode = sslFromUrl(url, problems) ?? 'disable';

  const caPath = vars.DATABASE_SSL_CA ?? url.searchParams.get('sslrootcert') ?? undefined;
  let ca: string | undefined;
  if (caPath !== undefined) {
    if (mode !== 'verify-ca' && mode !== 'verify-full') {
      problems.push(
        `DATABASE_SSL_CA: a CA file is used only with DATABASE_SSL=verify-ca or verify-full (not ${mode})`,
      );
    } else {
      try {
        ca = readFile(caPath);
      } catch (err) {
        problems.push(
          `DATABASE_SSL_CA: cannot read ${caPath} (${(err as NodeJS.ErrnoException).code ?? err})`,
        );
      }
      if (ca !== undefined && !ca.includes('-----BEGIN CERTIFICATE-----')) {
        problems.push(`DATABASE_SSL_CA: ${caPath} holds no PEM certificate`);
      }
    }
  }
  if (problems.length) throw new DatabaseSettingsError(problems.join('\n'));
  return {
    engine: 'postgres',
    url: raw,
    poolSize: vars.DATABASE_POOL_SIZE,
    ssl: ca === undefined ? { mode } : { mode, ca },
  };
}
