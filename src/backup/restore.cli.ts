import 'reflect-metadata';
import Database from 'better-sqlite3';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/load-config';
import { restrictNewFiles } from '../database/private-files';
import { cipherFromConfig } from '../secrets/config-cipher';
import { checkStoredSecretsOn, StoredSecretsError } from '../secrets/stored-secrets-check';
import { BackupError, restoreBackup } from './backup-archive';

const USAGE = `Usage: npm run restore -- --from <file.tar.gz> [--force]

Restores a backup (npm run backup, or BACKUP_DIR) into DATA_DIR and DATABASE_PATH. Stop the gateway first: the
restore refuses while the database is open. It refuses a target that already holds data unless --force, which
deletes that data first. Linked sessions connect again at the next start, without a QR.`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { from: { type: 'string' }, force: { type: 'boolean' }, help: { type: 'boolean' } },
  });
  if (values.help || !values.from) {
    (values.help ? console.log : console.error)(USAGE);
    if (!values.help) process.exitCode = 64;
    return;
  }
  const config = loadConfig();
  if (config.database.engine === 'postgres') {
    console.error(
      'DATABASE_URL is set: this command restores the SQLite database only. Use pg_restore for PostgreSQL (see the README, Backup).',
    );
    process.exitCode = 1;
    return;
  }
  restrictNewFiles();
  const manifest = await restoreBackup({
    from: values.from,
    force: values.force,
    dataDir: config.DATA_DIR,
    databasePath: config.DATABASE_PATH,
    exclude: config.BACKUP_DIR ? [config.BACKUP_DIR] : [],
  });
  const db = new Database(config.DATABASE_PATH, { readonly: true, fileMustExist: true });
  try {
    const count = (table: string) =>
      (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
    console.log(
      `Restored the backup of ${manifest.createdAt} into ${config.DATA_DIR}: ${count('sessions')} session(s), ` +
        `${count('messages')} message(s), ${manifest.files.length} other file(s).`,
    );
    checkStoredSecretsOn(db, cipherFromConfig(config));
  } catch (err) {
    if (!(err instanceof StoredSecretsError)) throw err;
    console.error(`Restored, but the gateway will not start with the configured data keys: ${err.message}`);
    process.exitCode = 2;
  } finally {
    db.close();
  }
}

main().catch((err) => {
  const known = err instanceof ConfigError || err instanceof BackupError;
  console.error(known ? err.message : `Restore failed: ${(err as Error).message}`);
  process.exit(1);
});
