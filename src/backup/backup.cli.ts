import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/load-config';
import { restrictNewFiles } from '../database/private-files';
import { BackupError, createBackup } from './backup-archive';

const USAGE = `Usage: npm run backup -- --to <file.tar.gz>

Writes a consistent copy of the gateway's database (linked sessions included) and of the other files in
DATA_DIR to one gzipped tar file, readable by its owner only. The gateway may keep running meanwhile.`;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { to: { type: 'string' }, help: { type: 'boolean' } } });
  if (values.help || !values.to) {
    (values.help ? console.log : console.error)(USAGE);
    if (!values.help) process.exitCode = 64;
    return;
  }
  const config = loadConfig();
  if (config.database.engine === 'postgres') {
    console.error(
      'DATABASE_URL is set: this command backs up the SQLite database only. Use pg_dump for PostgreSQL (see the README, Backup).',
    );
    process.exitCode = 1;
    return;
  }
  restrictNewFiles();
  const manifest = await createBackup({
    to: values.to,
    dataDir: config.DATA_DIR,
    databasePath: config.DATABASE_PATH,
    exclude: config.BACKUP_DIR ? [config.BACKUP_DIR] : [],
  });
  console.log(
    `Backup written to ${values.to}: the database and ${manifest.files.length} other file(s) of ${config.DATA_DIR}` +
      (manifest.files.length ? ` (${manifest.files.join(', ')})` : ''),
  );
  if (config.DATA_ENCRYPTION_KEY) {
    console.log(
      'Its stored secrets are encrypted: keep DATA_ENCRYPTION_KEY, apart from the backup, to restore it.',
    );
  }
}

main().catch((err) => {
  const known = err instanceof ConfigError || err instanceof BackupError;
  console.error(known ? err.message : `Backup failed: ${(err as Error).message}`);
  process.exit(1);
});
