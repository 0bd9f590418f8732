import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AppConfig } from '../config/app-config';
import { createBackup } from './backup-archive';
import { backupFileName, backupsToPrune } from './backup-rotation';

/**
 * With BACKUP_DIR set, the running gateway backs itself up every BACKUP_INTERVAL_HOURS (the first one an
 * interval after boot, not at boot) and keeps the newest BACKUP_KEEP. The database copy runs on a worker thread
 * with its own connection, so the API and the writers go on meanwhile. A failure is logged as an error and the
 * next one is tried at the next interval.
 */
@Injectable()
export class BackupScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(BackupScheduler.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(private readonly config: AppConfig) {}

  private get dir(): string | null {
    return this.config.BACKUP_DIR ? path.resolve(this.config.BACKUP_DIR) : null;
  }

  onApplicationBootstrap(): void {
    if (!this.dir) return;
    if (this.config.database.engine === 'postgres')
      throw new Error(
        'BACKUP_DIR: scheduled backups copy the SQLite database; with DATABASE_URL (PostgreSQL) back the ' +
          'database up with pg_dump (see the README) and unset BACKUP_DIR',
      );
    this.logger.log(
      `Backing up every ${this.config.BACKUP_INTERVAL_HOURS} h into ${this.dir}, keeping the newest ${this.config.BACKUP_KEEP}`,
    );
    this.schedule();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** Arms the next backup for one interval from now, by the clock (a timer may fire a little early). */
  private schedule(due = Date.now() + this.config.BACKUP_INTERVAL_HOURS * 3_600_000): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      if (Date.now() < due) return this.schedule(due);
      this.running = this.runOnce().finally(() => {
        this.running = null;
        this.schedule();
      });
    }, due - Date.now());
    this.timer.unref();
  }

  /** Takes one backup into BACKUP_DIR and prunes the old ones; never throws. */
  async runOnce(): Promise<void> {
    const dir = this.dir!;
    const to = path.join(dir, backupFileName(new Date()));
    try {
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      // What a run cut short (the process ended mid-backup) left behind; runs never overlap.
      for (const name of fs.readdirSync(dir)) {
        if (name.startsWith('.backup-staging-') || name.endsWith('.partial')) {
          fs.rmSync(path.join(dir, name), { recursive: true, force: true });
        }
      }
      const started = Date.now();
      await createBackup({
        to,
        dataDir: this.config.DATA_DIR,
        databasePath: this.config.DATABASE_PATH,
        exclude: [dir],
      });
      this.logger.log(`Backup written to ${to} in ${Date.now() - started} ms`);
    } catch (err) {
      this.logger.error(`Scheduled backup to ${to} failed: ${(err as Error).message}`);
      return;
    }
    try {
      for (const name of backupsToPrune(fs.readdirSync(dir), this.config.BACKUP_KEEP)) {
        fs.rmSync(path.join(dir, name), { force: true });
      }
    } catch (err) {
      this.logger.error(`Pruning old backups in ${dir} failed: ${(err as Error).message}`);
    }
  }
}
