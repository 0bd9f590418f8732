import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import { ConfigError, loadConfig } from '../config/load-config';
import { dataSourceOptions } from '../database/data-source-options';
import { openConfiguredDatabase } from '../database/open-database';
import { restrictNewFiles } from '../database/private-files';
import { sqlDatabaseFor } from '../database/sql/database-for';
import { rawDb } from '../database/serialized-transactions';
import { cipherFromConfig } from './config-cipher';
import { rotateStoredSecrets, rotateStoredSecretsOn } from './key-rotation';
import { checkStoredSecrets, checkStoredSecretsOn, StoredSecretsError } from './stored-secrets-check';

const USAGE = `Usage: npm run keys:rotate [-- --no-vacuum]

Re-encrypts every stored secret (WhatsApp credentials and Signal keys, webhook secrets and headers) with
DATA_ENCRYPTION_KEY, reading older values with the keys in DATA_ENCRYPTION_OLD_KEYS (plain values are encrypted
too; without DATA_ENCRYPTION_KEY, everything is decrypted to plain text). Afterwards the old keys can be
removed. Stop the gateway first (or run it already with the new DATA_ENCRYPTION_KEY and use --no-vacuum).
On SQLite the database is then compacted (VACUUM), so no copy of the old values stays in free pages.`;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'no-vacuum': { type: 'boolean' }, help: { type: 'boolean' } } });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const config = loadConfig();
  const cipher = cipherFromConfig(config);
  restrictNewFiles();
  const postgres = config.database.engine === 'postgres';
  const ds = postgres
    ? await openConfiguredDatabase(config)
    : await new DataSource(
        dataSourceOptions(config.DATABASE_PATH, (db) => checkStoredSecretsOn(db, cipher)),
      ).initialize();
  try {
    let rewritten: number;
    let unchanged: number;
    let left: [string, number][];
    const others = ([keyId, n]: [string, number]) => n > 0 && keyId !== (cipher.currentKeyId ?? '');
    if (postgres) {
      // Each batch locks its rows (FOR UPDATE); PostgreSQL keeps no copy of old values for long (VACUUM's job).
      const sql = sqlDatabaseFor(ds);
      await sql.read(() => checkStoredSecrets('postgres', cipher));
      ({ rewritten, unchanged } = await rotateStoredSecrets(sql, cipher));
      left = [...(await sql.read(() => checkStoredSecrets('postgres', cipher))).byKey].filter(others);
    } else {
      const db = rawDb(ds);
      ({ rewritten, unchanged } = rotateStoredSecretsOn(db, cipher));
      left = [...checkStoredSecretsOn(db, cipher).byKey].filter(others);
      if (!values['no-vacuum'] && rewritten > 0) db.exec('VACUUM');
      db.pragma('wal_checkpoint(TRUNCATE)');
    }
    const target = cipher.currentKeyId ? `data key "${cipher.currentKeyId}"` : 'plain text';
    console.log(`Rewrote ${rewritten} stored secret(s) as ${target}; ${unchanged} already were.`);
    if (left.length) {
      console.error(
        `${left.reduce((n, [, c]) => n + c, 0)} secret(s) were written meanwhile under another key (is a ` +
          'gateway running with an older DATA_ENCRYPTION_KEY?): run the command again once it is stopped.',
      );
      process.exitCode = 1;
    } else {
      console.log(
        cipher.currentKeyId
          ? 'Every stored secret is under the current key: DATA_ENCRYPTION_OLD_KEYS can be emptied.'
          : 'Every stored secret is in plain text: the data keys are no longer needed.',
      );
    }
  } finally {
    await ds.destroy();
  }
}

main().catch((err) => {
  const known = err instanceof ConfigError || err instanceof StoredSecretsError;
  console.error(known ? err.message : `Key rotation failed: ${(err as Error).message}`);
  process.exit(1);
});
