import Database from 'better-sqlite3';
import * as fs from 'node:fs';

/**
 * Whether another connection (a running gateway, or one of its command-line tools) has the SQLite database at
 * `file` open: the gateway keeps it open in WAL mode, which holds a shared lock as long as the connection
 * lives, so an exclusive lock cannot be had. Held by the operating system, the lock goes with the process: no
 * stale pid file after a crash. A missing file is not in use.
 */
export function isDatabaseInUse(file: string): boolean {
  if (!fs.existsSync(file)) return false;
  const db = new Database(file, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 0');
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
    db.exec('ROLLBACK');
    return false;
  } catch (err) {
    if ((err as { code?: string }).code === 'SQLITE_BUSY') return true;
    throw err;
  } finally {
    db.close();
  }
}
