import { Worker } from 'node:worker_threads';

/**
 * The worker's code, inline so the same file serves the compiled app and the TypeScript tests. It opens its own
 * read-only connection and runs SQLite's online backup API in one step: the copy is one read transaction, so it
 * is a consistent snapshot holding every committed transaction (those still in the WAL included). In WAL mode a
 * reader never blocks the gateway's writers, and a copy done in one step is never restarted by their commits.
 */
const WORKER_CODE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.source, { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = 5000');
db.backup(workerData.target, { progress: () => 0x7fffffff })
  .then((p) => {
    const check = new Database(workerData.target, { fileMustExist: true });
    const result = check.pragma('quick_check', { simple: true });
    check.close();
    if (result !== 'ok') throw new Error('the copy failed its integrity check: ' + result);
    parentPort.postMessage({ pages: p.totalPages });
  })
  .catch((err) => parentPort.postMessage({ error: String((err && err.message) || err) }))
  .finally(() => db.close());
`;

/**
 * Copies the SQLite database at `source` to `target` (a path that must not exist yet) with SQLite's online
 * backup API, on a worker thread so the caller's event loop (the gateway's API) never waits for it. Resolves
 * with the number of pages copied.
 */
export function copyDatabase(source: string, target: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_CODE, {
      eval: true,
      workerData: { driver: require.resolve('better-sqlite3'), source, target },
    });
    let settled = false;
    worker.once('message', (m: { pages?: number; error?: string }) => {
      settled = true;
      if (m.error) reject(new Error(`Database copy failed: ${m.error}`));
      else resolve(m.pages ?? 0);
    });
    worker.once('error', (err) => {
      settled = true;
      reject(err);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`Database copy ended without a result (exit code ${code})`));
    });
  });
}
