import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../../config/load-config';
import {
  DatabaseSettingsError,
  redactDatabaseUrl,
  resolveDatabaseSettings,
} from '../../config/database-settings';
import { MigrationRefused } from './migration-errors';
import { migrateToPostgres } from './migrate-to-postgres';

const USAGE = `Usage: npm run db:migrate-to-postgres -- --to <postgres://user:password@host:5432/database> [--from <file>]

Copies the gateway's SQLite database (--from, default DATABASE_PATH) into an empty PostgreSQL database (--to):
linked WhatsApp sessions, messages and the send queue, webhooks and their deliveries, auto-reply rules and the
stats. Stop the gateway first: the SQLite file is read, never changed, and refused while a gateway has it open.
The target is migrated first, then refused if it holds any data; the copy is one transaction (all or nothing).
TLS towards the target follows DATABASE_SSL and DATABASE_SSL_CA (or the URL's sslmode), as for the gateway.
Secrets are copied as stored: start the gateway on PostgreSQL with the same DATA_ENCRYPTION_KEY.`;

const pad = (text: string | number, width: number, right = false) =>
  right ? String(text).padStart(width) : String(text).padEnd(width);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { from: { type: 'string' }, to: { type: 'string' }, help: { type: 'boolean' } },
  });
  if (values.help || !values.to) {
    (values.help ? console.log : console.error)(USAGE);
    if (!values.help) process.exitCode = 64;
    return;
  }
  if (!/^postgres(ql)?:\/\//i.test(values.to.trim())) {
    throw new ConfigError('--to: must be a postgres:// or postgresql:// URL');
  }
  const config = loadConfig();
  const from = values.from ?? config.DATABASE_PATH;
  let to;
  try {
    to = resolveDatabaseSettings({
      DATABASE_URL: values.to,
      DATABASE_PATH: from,
      DATABASE_POOL_SIZE: 2,
      DATABASE_SSL: config.DATABASE_SSL,
      DATABASE_SSL_CA: config.DATABASE_SSL_CA,
    });
  } catch (err) {
    if (err instanceof DatabaseSettingsError)
      throw new ConfigError(err.message.replace(/DATABASE_URL/g, '--to'));
    throw err;
  }
  if (to.engine !== 'postgres') throw new ConfigError('--to: must be a postgres:// or postgresql:// URL');

  console.log(`From: ${from} (SQLite, read-only)`);
  console.log(`To:   ${redactDatabaseUrl(to.url)}`);
  const counts = await migrateToPostgres({
    from,
    to,
    toName: '--to',
    onMigrated: (n) =>
      console.log(
        n ? `Migrated the target's schema (${n} migration(s) run).` : "The target's schema is up to date.",
      ),
  });
  const width = Math.max(5, ...counts.map((c) => c.table.length));
  console.log(`${pad('table', width)}  ${pad('source', 9, true)}  ${pad('copied', 9, true)}`);
  for (const c of counts)
    console.log(`${pad(c.table, width)}  ${pad(c.source, 9, true)}  ${pad(c.copied, 9, true)}`);
  const total = counts.reduce((n, c) => n + c.copied, 0);
  console.log(`Copied ${total} row(s) in ${counts.length} table(s); every count matches the source.`);
  console.log(
    'Secrets (WhatsApp credentials and keys, webhook secrets) are copied as stored: start the gateway on ' +
      'PostgreSQL with the same DATA_ENCRYPTION_KEY (and DATA_ENCRYPTION_OLD_KEYS) as on SQLite.',
  );
  console.log(
    'Next: set DATABASE_URL to the target and start the gateway; linked sessions connect without a QR.',
  );
}

main().catch((err) => {
  if (String((err as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS')) {
    console.error(`${(err as Error).message}\n\n${USAGE}`);
    process.exit(64);
  }
  const known = err instanceof ConfigError || err instanceof MigrationRefused;
  console.error(known ? err.message : `Migration failed, nothing was copied: ${(err as Error).message}`);
  process.exit(1);
});
