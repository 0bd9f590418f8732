import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { get, SqlDatabase } from '../database/sql/sql';

/** How often the changes appended since the last fold are summed into the rollups (ms). */
const FOLD_MS = 2000;

/**
 * PostgreSQL's rollup triggers append each change to a pending table (migration 1764000016000, StatsPending);
 * this folds them into the rollup tables: every two seconds, so the pending tables stay small, and before every
 * read of the rollups, so a read counts every change committed before it. Folds of this process run one after
 * another; those of other nodes take turns with them on an advisory lock. SQLite's triggers write the rollups
 * themselves: nothing to fold there.
 */
@Injectable()
export class StatsFolder implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(StatsFolder.name);
  private timer: NodeJS.Timeout | null = null;
  private last: Promise<void> = Promise.resolve();
  private pending = false;

  constructor(private readonly sql: SqlDatabase) {}

  onApplicationBootstrap(): void {
    if (this.sql.engine !== 'postgres') return;
    this.timer = setInterval(() => {
      if (this.pending) return;
      this.fold().catch((err) =>
        this.logger.warn(`folding the statistics failed: ${(err as Error).message}`),
      );
    }, FOLD_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Sums every change committed before this call into the rollups (a new fold, after any in flight). */
  fold(): Promise<void> {
    if (this.sql.engine !== 'postgres') return Promise.resolve();
    this.pending = true;
    const run = async () => {
      this.pending = false;
      await this.sql.read(() => get('SELECT fold_stats()'));
    };
    const next = this.last.then(run, run);
    this.last = next.catch(() => undefined);
    return next;
  }
}
