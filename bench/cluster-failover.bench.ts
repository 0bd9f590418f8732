/**
 * Cluster failover: kill -9 of a node holding ~100 linked sessions in a three-node cluster.
 *
 * Placement keeps every node near its fair share (it hands sessions back when a node holds more than share + 1),
 * so a node holds 100 sessions for good only when the cluster has ~300: SESSIONS (default 300) are linked and
 * spread by placement, and the node owning the most is the victim.
 *
 * Measured per victim session, from the moment of the kill:
 * - `connected` on another node: the first `session.status` event with status `connected` received by a
 *   Socket.IO client connected to each surviving node (a node relays the events of sessions other nodes own);
 * - the device's first login at the sandbox (its connection log: GET /connections on the control API).
 * And the logins per second the sandbox saw (no connection storm: placement claims 25 sessions per round), and
 * the overlapping logins it recorded (two nodes running one session at once; must be 0).
 * Target: p99 <= lease lifetime + 15 s.
 *
 * Baseline in the same run, same sessions: kill -9 of the same node and an immediate restart of it (same
 * NODE_ID; it takes its own leases back at start, so no lease has to expire): the reconnect without failover.
 *
 * Run: npm run bench:cluster:failover. Env: SESSIONS=300 LEASE_MS=30000 LINK_PARALLEL=12
 */
import { io, type Socket } from 'socket.io-client';
import type { GatewayNode } from '../test/cluster/support/gateway-node';
import type { TestCluster } from '../test/cluster/support/cluster';
import { TEST_API_KEY } from '../test/support/test-app';
import { waitUntil } from '../test/support/wait';
import { firstLoginAfter, loginsPerSecond, SHIPPED_TIMINGS, startBenchCluster } from './lib/cluster';
import { machineNote } from './lib/processes';
import { fmt, summarize, table, verdict } from './lib/stats';

const SESSIONS = Number(process.env.SESSIONS ?? 300);
const LEASE_MS = Number(process.env.LEASE_MS ?? 30_000);
const LINK_PARALLEL = Number(process.env.LINK_PARALLEL ?? 12);
const RENEW_MS = SHIPPED_TIMINGS.renewMs!;

/** Socket.IO clients on the given nodes; `connectedAt(id)`: when the first `connected` status arrived. */
async function statusWatch(nodes: GatewayNode[]) {
  const firstConnected = new Map<string, number>();
  const sockets: Socket[] = [];
  for (const n of nodes) {
    const socket = io(n.url, { auth: { token: TEST_API_KEY }, transports: ['websocket'], forceNew: true });
    socket.on('session.status', (e: { session?: string; data?: { status?: string } }) => {
      if (e.data?.status === 'connected' && e.session && !firstConnected.has(e.session))
        firstConnected.set(e.session, Date.now());
    });
    sockets.push(socket);
  }
  await waitUntil(() => sockets.every((s) => s.connected), { timeoutMs: 10_000, what: 'Socket.IO clients' });
  return { firstConnected, close: () => sockets.forEach((s) => s.disconnect()) };
}

interface Outcome {
  /** Per session, ms from the kill to the `connected` event (Socket.IO). */
  events: number[];
  /** Per session, ms from the kill to the device's first login at the sandbox. */
  logins: number[];
  missing: string[];
  perSecond: number[];
  overlaps: number;
  allMs: number;
  /** Time left on the victim's leases at the kill (GET /api/cluster just before it), ms. */
  leftAtKill: number[];
}

/** Kills `victim`, runs `recover`, and waits until every session is connected again (both sources). */
async function measure(
  cluster: TestCluster,
  victim: GatewayNode,
  sessions: { id: string; deviceJid: string }[],
  watchOn: GatewayNode[],
  recover: () => Promise<void>,
  timeoutMs: number,
): Promise<Outcome> {
  const watch = await statusWatch(watchOn);
  const ids = new Set(sessions.map((s) => s.id));
  const before = await cluster.view(watchOn[0]);
  const leftAtKill = before.sessions.filter((s) => ids.has(s.id)).map((s) => s.expiresInMs);
  const killedAt = Date.now();
  await victim.kill();
  await recover();
  const devices = new Set(sessions.map((s) => s.deviceJid));
  try {
    await waitUntil(
      async () => {
        const logins = firstLoginAfter(await cluster.sandbox.connections(), killedAt);
        return sessions.every((s) => logins.has(s.deviceJid) && watch.firstConnected.has(s.id));
      },
      { timeoutMs, intervalMs: 250, what: 'every session connected again' },
    ).catch((err: Error) => console.error(`  ${err.message}`));
    const allMs = Date.now() - killedAt;
    const view = await cluster.sandbox.connections();
    const logins = firstLoginAfter(view, killedAt);
    const mine = { ...view, devices: view.devices.filter((d) => devices.has(d.deviceJid)) };
    return {
      events: sessions
        .filter((s) => watch.firstConnected.has(s.id))
        .map((s) => watch.firstConnected.get(s.id)! - killedAt),
      logins: sessions.filter((s) => logins.has(s.deviceJid)).map((s) => logins.get(s.deviceJid)!),
      missing: sessions
        .filter((s) => !logins.has(s.deviceJid) || !watch.firstConnected.has(s.id))
        .map((s) => s.id),
      perSecond: loginsPerSecond(mine, killedAt),
      overlaps: view.overlaps.filter((o) => o.at >= killedAt).length,
      allMs,
      leftAtKill,
    };
  } finally {
    watch.close();
  }
}

async function main(): Promise<void> {
  console.log(
    `# Cluster failover: kill -9 of a node (${SESSIONS} sessions over three nodes, lease ${LEASE_MS} ms)\n`,
  );
  console.log(`Machine: ${machineNote()}\n`);
  const { cluster, stop } = await startBenchCluster({ nodes: 3, ...SHIPPED_TIMINGS, leaseMs: LEASE_MS });
  try {
    await waitUntil(async () => (await cluster.view()).nodes.filter((n) => n.live).length === 3, {
      timeoutMs: 30_000,
      what: 'three live nodes',
    });
    const ids = Array.from({ length: SESSIONS }, (_, i) => `f${String(i + 1).padStart(4, '0')}`);
    const t0 = Date.now();
    const linked = await cluster.linkSessions(ids, { parallel: LINK_PARALLEL, timeoutMs: 180_000 });
    console.log(`linked ${SESSIONS} sessions in ${fmt((Date.now() - t0) / 1000, 0)} s`);
    // Placement settled: every session owned, no node above its share + 1.
    const owners = await cluster.waitForOwners(
      (o) => {
        const counts = ['n1', 'n2', 'n3'].map((n) => ids.filter((id) => o[id] === n).length);
        return ids.every((id) => o[id]) && Math.max(...counts) <= Math.ceil((SESSIONS + 1) / 3) + 1;
      },
      { timeoutMs: 120_000, what: 'the sessions spread over three nodes' },
    );
    await cluster.waitConnected(ids, { timeoutMs: 120_000 });
    const counts = ['n1', 'n2', 'n3'].map((n) => ({ n, c: ids.filter((id) => owners[id] === n).length }));
    console.log(`owners: ${counts.map((x) => `${x.n} ${x.c}`).join(', ')}`);
    const victim = cluster.node(counts.sort((a, b) => b.c - a.c)[0].n);
    const sessions = linked.filter((l) => owners[l.id] === victim.id);
    const survivors = cluster.running([victim.id]);
    console.log(`victim: ${victim.id} with ${sessions.length} sessions\n`);

    // Baseline: the same node killed and restarted at once; it takes its own leases back.
    let healthMs = 0;
    const restart = await measure(
      cluster,
      victim,
      sessions,
      survivors,
      async () => {
        const at = Date.now();
        await victim.restart();
        healthMs = Date.now() - at;
      },
      LEASE_MS + 120_000,
    );
    const afterRestart = await cluster.owners();
    const stayed = sessions.filter((s) => afterRestart[s.id] === victim.id).length;
    console.log(
      `baseline: restarted ${victim.id} answered /health after ${fmt(healthMs / 1000)} s; ${stayed} of ${sessions.length} sessions back on it`,
    );
    await cluster.waitConnected(ids, { timeoutMs: 120_000 });
    // Steady state before the failover: the restarted node renews its leases (at a restart it reclaims them one
    // by one before its renewal timer starts, so the first ones can be near their end for a while).
    const victimIds = new Set(sessions.map((s) => s.id));
    await waitUntil(
      async () => {
        const view = await cluster.view(survivors[0]);
        const left = view.sessions.filter((s) => victimIds.has(s.id)).map((s) => s.expiresInMs);
        return left.length === sessions.length && Math.min(...left) >= LEASE_MS - RENEW_MS - 3000;
      },
      { timeoutMs: 60_000, intervalMs: 500, what: "the victim's leases renewed after its restart" },
    );

    // Failover: the same node killed for good.
    const mine = sessions.filter((s) => afterRestart[s.id] === victim.id);
    const failover = await measure(
      cluster,
      victim,
      mine,
      survivors,
      async () => undefined,
      LEASE_MS + 120_000,
    );
    const final = await cluster.owners();
    const elsewhere = mine.filter((s) => final[s.id] && final[s.id] !== victim.id).length;

    const row = (name: string, o: Outcome, xs: number[]) => {
      const s = summarize(xs);
      return [
        name,
        s.n,
        fmt(s.p50 / 1000),
        fmt(s.p99 / 1000),
        fmt(s.max / 1000),
        o.missing.length,
        Math.max(0, ...o.perSecond),
        o.overlaps,
      ];
    };
    console.log(`\nTime from kill -9 to connected, per session (s):\n`);
    table(
      ['run', 'sessions', 'p50', 'p99', 'max', 'never back', 'max logins/s', 'overlaps'],
      [
        row('restart of the node (baseline): Socket.IO connected', restart, restart.events),
        row('restart of the node (baseline): sandbox login', restart, restart.logins),
        row('failover to the two others: Socket.IO connected', failover, failover.events),
        row('failover to the two others: sandbox login', failover, failover.logins),
      ],
    );
    const p99 = summarize(failover.events).p99;
    for (const [name, o] of [
      ['baseline', restart],
      ['failover', failover],
    ] as const) {
      const left = summarize(o.leftAtKill);
      console.log(
        `${name}: lease time left at the kill (s): min ${fmt(Math.min(...o.leftAtKill) / 1000)}, ` +
          `p50 ${fmt(left.p50 / 1000)}, max ${fmt(left.max / 1000)}`,
      );
    }
    for (const n of cluster.nodes) {
      const lost = n.logLines('no longer owned by this node');
      if (lost.length)
        console.log(`${n.id} logged ${lost.length} lost lease(s), e.g. ${lost[0].slice(0, 300)}`);
    }
    console.log(`failover logins per second from the kill: ${failover.perSecond.join(' ')}`);
    console.log(`baseline logins per second from the kill: ${restart.perSecond.join(' ')}`);
    console.log(`after the failover: ${elsewhere} of ${mine.length} sessions owned by a surviving node`);
    if (failover.missing.length) console.log(`never back: ${failover.missing.join(', ')}`);
    const ratio = summarize(failover.events).p50 / summarize(restart.events).p50;
    console.log(
      `failover p50 / restart p50: ${fmt(ratio, 2)}x; failover p99 - lease: ${fmt((p99 - LEASE_MS) / 1000)} s`,
    );
    console.log(
      `\np99 ${fmt(p99 / 1000)} s, target <= lease + 15 s = ${fmt((LEASE_MS + 15_000) / 1000)} s: ` +
        verdict(p99 <= LEASE_MS + 15_000 && failover.missing.length === 0),
    );
  } finally {
    await stop();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
