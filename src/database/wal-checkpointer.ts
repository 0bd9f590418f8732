import type { Database } from 'better-sqlite3';
import { Worker } from 'node:worker_threads';
import type { DataSource } from 'typeorm';
import { rawDb } from './serialized-transactions';

/**
 * The worker's code, inline so the same file serves the compiled app and the TypeScript tests. It opens its own
 * connection to the database file and runs a PASSIVE checkpoint (never blocks writers or readers) every
 * `intervalMs`, and a last one when told to stop.
 */
const WORKER_CODE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 1000');
const checkpoint = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (err) {
    parentPort.postMessage({ error: String((err && err.message) || err) });
  }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
`;

/**
 * Moves WAL checkpoints off the event loop. SQLite's automatic checkpoint runs inside whichever commit crosses
 * 1,000 WAL pages and copies them into the database file with an fsync: on the one connection this process
 * writes through, that stalled every request waiting behind it for several milliseconds (the p99 of incoming
 * messages at 200 msg/s went from ~3 ms to ~9 ms). Here the main connection's automatic checkpoint is turned off
 * and a worker thread with its own connection checkpoints in the background; a PASSIVE checkpoint never takes the
 * write lock, and the writer reuses the WAL from its start once a checkpoint has caught up, so the file stays
 * small. The worker does not keep the process alive; `stop()` runs a last checkpoint and closes it.
 * Its connection opens the existing file only (`fileMustExist`); should it be the one to create the -wal or -shm
 * file, SQLite gives that file the database file's mode (0600, see `dataSourceOptions`), as for any connection.
 */
export class WalCheckpointer {
  private worker: Worker | null = null;

  constructor(
    private readonly db: Database,
    private readonly intervalMs = 200,
  ) {}

  start(onError: (message: string) => void): void {
    if (this.db.memory || this.db.pragma('journal_mode', { simple: true }) !== 'wal') return;
    this.db.pragma('wal_autocheckpoint = 0');
    this.worker = new Worker(WORKER_CODE, {
      eval: true,
      workerData: {
        driver: require.resolve('better-sqlite3'),
        file: this.db.name,
        intervalMs: this.intervalMs,
      },
    });
    this.worker.on('message', (m: { error?: string }) => m.error && onError(m.error));
    this.worker.on('error', (err) => onError(err.message));
    this.worker.unref();
  }

  /** A last checkpoint, then the worker exits (resolves at once if it never started). */
  async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage('stop');
    const timeout = setTimeout(() => void worker.terminate(), 5_000);
    await exited;
    clearTimeout(timeout);
  }
}

/** Starts a checkpointer for the DataSource's connection and stops it when the DataSource is destroyed. */
export function checkpointInBackground(
  dataSource: DataSource,
  onError: (message: string) => void,
): DataSource {
  const checkpointer = new WalCheckpointer(rawDb(dataSource));
  checkpointer.start(onError);
  const destroy = dataSource.destroy.bind(dataSource);
  (dataSource as { destroy: () => Promise<void> }).destroy = async () => {
    await checkpointer.stop();
    await destroy();
  };
  return dataSource;
}
