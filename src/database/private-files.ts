import * as fs from 'node:fs';
import * as path from 'node:path';
import { isMainThread } from 'node:worker_threads';

/** A file or directory whose mode was narrowed. */
export interface ModeFix {
  path: string;
  from: number;
  to: number;
}

const PRIVATE_DIR = 0o700;
const PRIVATE_FILE = 0o600;

/**
 * Files and directories the process creates from now on are private to its user (umask 077): SQLite's
 * database, journal and shared-memory files, the generated api-key and webhook-secret, the sandbox state.
 * Only the main thread may change the umask (it is the process's, so worker threads get it too).
 */
export function restrictNewFiles(): void {
  if (isMainThread) process.umask(0o077);
}

/** Narrows `target` to `mode` if it grants anything to group or others; returns the fix made, if any. */
function narrow(target: string, mode: number): ModeFix | null {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(target);
  } catch {
    return null;
  }
  if (stat.isSymbolicLink()) return null;
  const current = stat.mode & 0o777;
  if ((current & 0o077) === 0) return null;
  const to = current & mode;
  fs.chmodSync(target, to);
  return { path: target, from: current, to };
}

function narrowTree(dir: string, fixes: ModeFix[]): void {
  const fix = narrow(dir, PRIVATE_DIR);
  if (fix) fixes.push(fix);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) narrowTree(full, fixes);
    else if (entry.isFile()) {
      const fileFix = narrow(full, PRIVATE_FILE);
      if (fileFix) fixes.push(fileFix);
    }
  }
}

/** The database file and the files SQLite keeps beside it. */
export function databaseFiles(databasePath: string): string[] {
  const file = path.resolve(databasePath);
  return [file, `${file}-wal`, `${file}-shm`, `${file}-journal`];
}

/** Narrows the database file and its -wal, -shm and -journal to 0600 (those that exist). */
export function narrowDatabaseFiles(databasePath: string): ModeFix[] {
  return databaseFiles(databasePath)
    .map((f) => narrow(f, PRIVATE_FILE))
    .filter((f): f is ModeFix => f !== null);
}

const isInside = (dir: string, target: string) => {
  const rel = path.relative(dir, target);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
};

/**
 * Makes the gateway's files private before the database opens: DATA_DIR (created 0700 if missing) and
 * everything in it become 0700 (directories) and 0600 (files), whatever modes they had. When DATABASE_PATH
 * lies outside DATA_DIR, its directory belongs to whoever chose it: the gateway creates it 0700 if missing but
 * never changes an existing one, and narrows only the database's own files. Returns what was narrowed.
 */
export function secureDataFiles(dataDir: string, databasePath: string): ModeFix[] {
  const fixes: ModeFix[] = [];
  const dir = path.resolve(dataDir);
  if (!fs.existsSync(dir)) fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR });
  narrowTree(dir, fixes);
  const dbDir = path.dirname(path.resolve(databasePath));
  if (!isInside(dir, dbDir)) {
    if (!fs.existsSync(dbDir)) fs.mkdirSync(dbDir, { recursive: true, mode: PRIVATE_DIR });
    fixes.push(...narrowDatabaseFiles(databasePath));
  }
  return fixes;
}

const octal = (mode: number) => `0${mode.toString(8).padStart(3, '0')}`;

/** The one boot log line about narrowed modes. */
export function describeModeFixes(fixes: ModeFix[]): string {
  return (
    `Narrowed file permissions readable by other users: ` +
    fixes.map((f) => `${f.path} ${octal(f.from)} -> ${octal(f.to)}`).join(', ')
  );
}
