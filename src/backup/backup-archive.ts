import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tar from 'tar';
import { databaseFiles, secureDataFiles } from '../database/private-files';
import { copyDatabase } from './database-copy';
import { isDatabaseInUse } from './database-in-use';

/**
 * A backup is one gzipped tar file:
 * - `manifest.json`: what it is (format, version, time taken, the files below);
 * - `database.db`: a consistent copy of the SQLite database (SQLite's online backup API), the WAL's committed
 *   content included; it holds the linked WhatsApp sessions (credentials and Signal keys), messages, send
 *   queue, webhook endpoints and deliveries, auto-reply rules;
 * - `data/...`: every other file of DATA_DIR: the generated `api-key` and `webhook-secret`, the sandbox's
 *   `sandbox-state.json` (sandbox mode only), and whatever else is kept there.
 * Left out: the live database files (the copy replaces them), temporary files, backups (`*.tar.gz`), BACKUP_DIR when it lies inside
 * DATA_DIR, and the configuration (.env, DATA_ENCRYPTION_KEY), which stays with the operator.
 */
export const BACKUP_FORMAT = 'wa-gateway-backup';
export const BACKUP_VERSION = 1;
const MANIFEST = 'manifest.json';
const DATABASE = 'database.db';
const DATA = 'data';

export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  version: number;
  createdAt: string;
  database: string;
  /** Paths relative to DATA_DIR. */
  files: string[];
}

export class BackupError extends Error {}

export interface BackupPaths {
  dataDir: string;
  databasePath: string;
  /** Directories or files inside DATA_DIR that are neither backed up nor replaced (e.g. BACKUP_DIR). */
  exclude?: string[];
}

const isInside = (dir: string, target: string) => {
  const rel = path.relative(dir, target);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
};

/** Regular files under `dir` (relative paths), skipping `skip` (absolute paths), temporary files and backups. */
function listFiles(dir: string, skip: string[], base = dir): string[] {
  if (!fs.existsSync(dir)) return [];
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (skip.some((s) => isInside(s, full))) continue;
    if (entry.isDirectory()) found.push(...listFiles(full, skip, base));
    else if (entry.isFile() && !/\.(tmp|partial|tar\.gz)$/.test(entry.name))
      found.push(path.relative(base, full));
  }
  return found;
}

/**
 * Writes a backup of a running (or stopped) gateway to `to`, which must not exist. The archive is assembled in
 * a private staging directory beside `to` and renamed into place when complete, so `to` is never a partial file.
 */
export async function createBackup(paths: BackupPaths & { to: string }): Promise<BackupManifest> {
  const to = path.resolve(paths.to);
  const dataDir = path.resolve(paths.dataDir);
  const dbFile = path.resolve(paths.databasePath);
  if (fs.existsSync(to)) throw new BackupError(`${to} already exists`);
  if (!fs.existsSync(dbFile)) throw new BackupError(`no database at ${dbFile}`);
  fs.mkdirSync(path.dirname(to), { recursive: true, mode: 0o700 });
  const staging = fs.mkdtempSync(path.join(path.dirname(to), '.backup-staging-'));
  const partial = `${to}.partial`;
  try {
    await copyDatabase(dbFile, path.join(staging, DATABASE));
    const skip = [
      ...databaseFiles(dbFile),
      ...(paths.exclude ?? []).map((p) => path.resolve(p)),
      staging,
      to,
    ];
    const files = listFiles(dataDir, skip);
    for (const rel of files) {
      const target = path.join(staging, DATA, rel);
      fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
      try {
        fs.copyFileSync(path.join(dataDir, rel), target);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err; // removed meanwhile: not part of it
        files.splice(files.indexOf(rel), 1);
      }
    }
    const manifest: BackupManifest = {
      format: BACKUP_FORMAT,
      version: BACKUP_VERSION,
      createdAt: new Date().toISOString(),
      database: DATABASE,
      files,
    };
    fs.writeFileSync(path.join(staging, MANIFEST), JSON.stringify(manifest, null, 2), { mode: 0o600 });
    const entries = [MANIFEST, DATABASE, ...(files.length ? [DATA] : [])];
    await tar.c({ gzip: true, file: partial, cwd: staging, portable: true, mode: 0o600 }, entries);
    fs.chmodSync(partial, 0o600);
    fs.renameSync(partial, to);
    return manifest;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
    fs.rmSync(partial, { force: true });
  }
}

function readManifest(dir: string): BackupManifest {
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(fs.readFileSync(path.join(dir, MANIFEST), 'utf8')) as BackupManifest;
  } catch {
    throw new BackupError('not a gateway backup (no readable manifest.json)');
  }
  if (manifest.format !== BACKUP_FORMAT) throw new BackupError('not a gateway backup (unknown format)');
  if (manifest.version > BACKUP_VERSION) {
    throw new BackupError(`backup format version ${manifest.version} is newer than this gateway reads`);
  }
  const db = path.join(dir, DATABASE);
  if (!fs.existsSync(db)) throw new BackupError('the backup holds no database');
  const check = new Database(db, { readonly: true, fileMustExist: true });
  try {
    const result = check.pragma('quick_check', { simple: true });
    if (result !== 'ok') throw new BackupError(`the backup's database is damaged: ${String(result)}`);
  } finally {
    check.close();
  }
  return manifest;
}

/** What DATA_DIR and DATABASE_PATH hold now (excluded paths aside). */
function existingData(dataDir: string, dbFile: string, exclude: string[]): string[] {
  const present = databaseFiles(dbFile).filter((f) => fs.existsSync(f));
  if (!fs.existsSync(dataDir)) return present;
  const entries = fs
    .readdirSync(dataDir)
    .map((name) => path.join(dataDir, name))
    .filter((full) => !exclude.some((e) => isInside(e, full)));
  return [...new Set([...present, ...entries])];
}

/**
 * Restores a backup into a stopped gateway's DATA_DIR and DATABASE_PATH. Refuses while the database is open
 * elsewhere (a running gateway), and refuses a target that already holds data unless `force`, which deletes it
 * first. Files are written private to the user (0600, directories 0700).
 */
export async function restoreBackup(
  paths: BackupPaths & { from: string; force?: boolean },
): Promise<BackupManifest> {
  const from = path.resolve(paths.from);
  const dataDir = path.resolve(paths.dataDir);
  const dbFile = path.resolve(paths.databasePath);
  const exclude = (paths.exclude ?? []).map((p) => path.resolve(p));
  if (!fs.existsSync(from)) throw new BackupError(`${from} does not exist`);
  if (isDatabaseInUse(dbFile)) {
    throw new BackupError(`the database ${dbFile} is in use: stop the gateway (and its tools) first`);
  }
  const existing = existingData(dataDir, dbFile, [...exclude, from]);
  if (existing.length && !paths.force) {
    throw new BackupError(
      `the target already holds data (${existing.slice(0, 3).join(', ')}${existing.length > 3 ? ', ...' : ''}): ` +
        'pass --force to replace it',
    );
  }
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const staging = fs.mkdtempSync(path.join(dataDir, '.restore-staging-'));
  try {
    await tar.x({
      file: from,
      cwd: staging,
      strict: true,
      // Only plain files and folders, never links; paths stay inside the staging folder (tar's default).
      filter: (_p, entry) => 'type' in entry && (entry.type === 'File' || entry.type === 'Directory'),
    });
    const manifest = readManifest(staging);
    for (const item of existing) fs.rmSync(item, { recursive: true, force: true });
    fs.mkdirSync(path.dirname(dbFile), { recursive: true, mode: 0o700 });
    fs.copyFileSync(path.join(staging, DATABASE), dbFile);
    for (const rel of manifest.files) {
      const source = path.join(staging, DATA, rel);
      const target = path.join(dataDir, rel);
      if (!isInside(staging, source) || !isInside(dataDir, target) || !fs.existsSync(source)) {
        throw new BackupError(
          `the backup lists a file it does not hold or that lies outside DATA_DIR: ${rel}`,
        );
      }
      fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
      fs.copyFileSync(source, target);
    }
    fs.rmSync(staging, { recursive: true, force: true });
    secureDataFiles(dataDir, dbFile);
    return manifest;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}
