import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { MediaDownloader } from './media-downloader';
import { MediaFileStore } from './media-file.store';
import { MediaStorage } from './storage/media-storage';

const DAY_MS = 86_400_000;
const SWEEP_EVERY_MS = 3_600_000;
const BATCH = 500;

/** The time before which stored files are deleted, or null when they are kept forever (0 days). */
export function retentionCutoff(now: number, days: number): number | null {
  return days > 0 ? now - days * DAY_MS : null;
}

/**
 * With MEDIA_RETENTION_DAYS, deletes stored files older than that (at boot, then hourly) and marks their media
 * `expired` (reason `retention`, a `message.media` event). The messages themselves stay.
 */
@Injectable()
export class MediaRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MediaRetention.name);
  private timer: NodeJS.Timeout | null = null;
  private sweeping: Promise<number> | null = null;

  constructor(
    private readonly config: AppConfig,
    private readonly files: MediaFileStore,
    private readonly storage: MediaStorage,
    private readonly downloader: MediaDownloader,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.MEDIA_RETENTION_DAYS) return;
    const run = () =>
      void this.sweep().catch((err: Error) => this.logger.error(`media sweep: ${err.message}`));
    this.timer = setInterval(run, SWEEP_EVERY_MS);
    this.timer.unref();
    run();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.sweeping?.catch(() => undefined);
  }

  /** Deletes what is older than the retention at `now`; returns how many files it deleted. */
  sweep(now = Date.now()): Promise<number> {
    this.sweeping ??= this.sweepNow(now).finally(() => (this.sweeping = null));
    return this.sweeping;
  }

  private async sweepNow(now: number): Promise<number> {
    const cutoff = retentionCutoff(now, this.config.MEDIA_RETENTION_DAYS);
    if (cutoff === null) return 0;
    let deleted = 0;
    for (;;) {
      const rows = await this.files.storedBefore(cutoff, BATCH);
      if (!rows.length) break;
      for (const row of rows) {
        if (row.storageKey) await this.storage.delete(row.storageKey);
        await this.downloader.settle(
          row.messageId,
          row.sessionId,
          { status: 'expired', reason: 'retention', storageKey: null },
          ['available'],
        );
        deleted++;
      }
    }
    if (deleted)
      this.logger.log(
        `Deleted ${deleted} media file(s) older than ${this.config.MEDIA_RETENTION_DAYS} day(s)`,
      );
    return deleted;
  }
}
