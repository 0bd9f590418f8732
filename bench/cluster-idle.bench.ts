/**
 * Cluster at idle: N linked idle sessions over three gateway nodes on one PostgreSQL (default N = 1,000).
 *
 * 1. Memory: RSS of each node after a forced GC in every thread (the build runs with --expose-gc and the
 *    memory probe), median of 3 samples after a settle, with no session
 *    (baseline, same run, same processes) and with the N sessions spread by placement; per session = the RSS
 *    delta over the empty node / the sessions that node owns. Target: <= 1 MB RSS per session. The first
 *    sessions also pay one-time costs (Baileys' code paths loaded and compiled, heap growth), so the marginal
 *    cost is printed too: the slope between a sample at MID sessions (default 10 %) and the full count.
 * 2. CPU at idle: utime + stime of each node (/proc/<pid>/stat) over IDLE_MS, empty and with the sessions.
 * 3. Cold start of the whole cluster: SIGTERM to all three nodes at once (each hands its leases back), then all
 *    three spawned again at once; time until the sandbox sees all N devices logged in (and every node answers
 *    the sessions connected). Target: all connected within 60 s.
 *
 * Sessions are linked the way a user links them (POST /api/sessions, the QR from GET .../qr, the sandbox's
 * phone scans it), LINK_PARALLEL at a time, through the harness of the cluster e2e tests.
 *
 * Run: npm run bench:cluster:idle. Env: SESSIONS=1000 LINK_PARALLEL=12 IDLE_MS=30000 SETTLE_MS=15000
 */
import type { TestCluster } from '../test/cluster/support/cluster';
import { waitUntil } from '../test/support/wait';
import {
  cpuMs,
  loginsPerSecond,
  openDevices,
  COMPILED_PROBED,
  SHIPPED_TIMINGS,
  startBenchCluster,
} from './lib/cluster';
import { childMemory, machineNote, sleep } from './lib/processes';
import { fmt, MB, median, table, verdict } from './lib/stats';

const SESSIONS = Number(process.env.SESSIONS ?? 1000);
const LINK_PARALLEL = Number(process.env.LINK_PARALLEL ?? 12);
const IDLE_MS = Number(process.env.IDLE_MS ?? 30_000);
const SETTLE_MS = Number(process.env.SETTLE_MS ?? 15_000);
const MID = Number(process.env.MID ?? Math.max(50, Math.round(SESSIONS / 10)));

/** RSS of each node after two forced GCs in all its threads (the memory probe), median of 3 samples. */
async function sampleRss(cluster: TestCluster): Promise<Map<string, number>> {
  await sleep(SETTLE_MS);
  const samples = new Map<string, number[]>(cluster.nodes.map((n) => [n.id, []]));
  for (let i = 0; i < 3; i++) {
    for (const n of cluster.nodes) samples.get(n.id)!.push((await childMemory(n.process!)).rss);
    await sleep(2000);
  }
  return new Map([...samples].map(([id, v]) => [id, median(v)]));
}

async function idleCpu(cluster: TestCluster): Promise<Map<string, number>> {
  const before = new Map(cluster.nodes.map((n) => [n.id, cpuMs(n.pid!)]));
  const t0 = Date.now();
  await sleep(IDLE_MS);
  const wall = Date.now() - t0;
  // CPU share of one core, in percent.
  return new Map(cluster.nodes.map((n) => [n.id, ((cpuMs(n.pid!) - before.get(n.id)!) / wall) * 100]));
}

/** Sessions each node owns and reports connected (GET /api/sessions of that node, owner from /api/cluster). */
async function connectedByNode(cluster: TestCluster): Promise<Map<string, number>> {
  const owners = await cluster.owners();
  const out = new Map<string, number>();
  for (const n of cluster.running()) {
    const res = await n.get('/api/sessions');
    const list = res.body as { id: string; status: string }[];
    out.set(n.id, list.filter((s) => owners[s.id] === n.id && s.status === 'connected').length);
  }
  return out;
}

const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);

/** Sessions (the unlinked `default` included) each node owns, from GET /api/cluster. */
async function ownedByNode(cluster: TestCluster): Promise<Map<string, number>> {
  return new Map((await cluster.view()).nodes.map((n) => [n.id, n.sessions]));
}

async function main(): Promise<void> {
  console.log(`# Cluster at idle: ${SESSIONS} sessions over three nodes\n\nMachine: ${machineNote()}\n`);
  const { cluster, stop } = await startBenchCluster({
    nodes: 3,
    ...SHIPPED_TIMINGS,
    launch: COMPILED_PROBED,
  });
  try {
    await waitUntil(async () => (await cluster.view()).nodes.filter((n) => n.live).length === 3, {
      timeoutMs: 30_000,
      what: 'three live nodes',
    });
    const emptyRss = await sampleRss(cluster);
    const emptyCpu = await idleCpu(cluster);
    console.log(
      `empty nodes: RSS ${[...emptyRss].map(([id, v]) => `${id} ${fmt(v / MB)} MB`).join(', ')}; ` +
        `CPU ${[...emptyCpu].map(([id, v]) => `${id} ${fmt(v, 2)} %`).join(', ')}`,
    );

    const ids = Array.from({ length: SESSIONS }, (_, i) => `s${String(i + 1).padStart(4, '0')}`);
    const t0 = Date.now();
    let done = 0;
    const progress = setInterval(() => {
      const s = (Date.now() - t0) / 1000;
      console.log(`  linking: ${done}/${SESSIONS} after ${s.toFixed(0)} s (${fmt(done / s, 2)}/s)`);
    }, 30_000);
    const batch = 50;
    let mid: { owned: number; rss: number } | undefined;
    // A link that does not complete is counted and reported, not fatal: the run goes on with the others.
    const failed: string[] = [];
    const sessionOf = new Map<string, string>();
    try {
      for (let i = 0; i < ids.length; i += batch) {
        const chunk = ids.slice(i, i + batch);
        let next = 0;
        const worker = async () => {
          while (next < chunk.length) {
            const id = chunk[next++];
            await cluster.linkSession(id, { timeoutMs: 120_000 }).then(
              (linked) => sessionOf.set(linked.deviceJid, id),
              (err: Error) => {
                failed.push(id);
                console.log(`  ${id} failed: ${err.message}`);
                for (const n of cluster.nodes)
                  for (const l of n.logLines(id).slice(-5)) console.log(`    ${n.id}: ${l.slice(0, 300)}`);
              },
            );
          }
        };
        await Promise.all(Array.from({ length: LINK_PARALLEL }, worker));
        done = Math.min(i + batch, ids.length);
        if (!mid && done >= MID && done < SESSIONS) {
          const rss = total(await sampleRss(cluster));
          mid = { owned: total(await ownedByNode(cluster)), rss };
          console.log(`  ${mid.owned} sessions owned: RSS of the three nodes ${fmt(rss / MB)} MB`);
        }
      }
    } finally {
      clearInterval(progress);
    }
    const linkedCount = SESSIONS - failed.length;
    if (failed.length) console.log(`${failed.length} link(s) did not complete: ${failed.join(', ')}`);
    const linkS = (Date.now() - t0) / 1000;
    console.log(
      `linked ${SESSIONS} sessions in ${fmt(linkS, 0)} s (${fmt(SESSIONS / linkS, 2)}/s, ${LINK_PARALLEL} at a time)`,
    );
    const accounts = new Set((await cluster.sandbox.accounts()).map((a) => a.phone));
    console.log(`sandbox accounts: ${accounts.size}`);

    await waitUntil(
      async () => {
        const byNode = await connectedByNode(cluster);
        return [...byNode.values()].reduce((a, b) => a + b, 0) >= linkedCount;
      },
      { timeoutMs: 120_000, intervalMs: 1000, what: 'every session connected on its owner' },
    ).catch(async (err: Error) => {
      // Which ones, where, and why: then the run goes on with the others.
      console.log(`${err.message}; not connected on their owner:`);
      const owners = await cluster.owners();
      const linked = new Set(sessionOf.values());
      for (const n of cluster.running()) {
        const list = (await n.get('/api/sessions')).body as { id: string; status: string; reason?: string }[];
        for (const v of list.filter(
          (x) => linked.has(x.id) && owners[x.id] === n.id && x.status !== 'connected',
        ))
          console.log(`  ${v.id} on ${n.id}: ${v.status} (${v.reason ?? ''})`);
      }
      for (const id of [...linked].filter((x) => !owners[x])) console.log(`  ${id}: no owner`);
    });
    const owned = await ownedByNode(cluster);
    const fullRss = await sampleRss(cluster);
    const fullCpu = await idleCpu(cluster);
    const rows: (string | number)[][] = [];
    let deltaSum = 0;
    for (const n of cluster.nodes) {
      const delta = fullRss.get(n.id)! - emptyRss.get(n.id)!;
      deltaSum += delta;
      const per = owned.get(n.id) ? delta / owned.get(n.id)! : NaN;
      rows.push([
        n.id,
        owned.get(n.id) ?? 0,
        fmt(emptyRss.get(n.id)! / MB),
        fmt(fullRss.get(n.id)! / MB),
        fmt(per / MB, 2),
        fmt(emptyCpu.get(n.id)!, 2),
        fmt(fullCpu.get(n.id)!, 2),
      ]);
    }
    const perSession = deltaSum / total(owned);
    rows.push([
      'all',
      total(owned),
      fmt([...emptyRss.values()].reduce((a, b) => a + b, 0) / MB),
      fmt([...fullRss.values()].reduce((a, b) => a + b, 0) / MB),
      fmt(perSession / MB, 2),
      fmt(
        [...emptyCpu.values()].reduce((a, b) => a + b, 0),
        2,
      ),
      fmt(
        [...fullCpu.values()].reduce((a, b) => a + b, 0),
        2,
      ),
    ]);
    console.log(
      `\nIdle, after ${SETTLE_MS / 1000} s settle; CPU over ${IDLE_MS / 1000} s (% of one core):\n`,
    );
    table(
      [
        'node',
        'sessions',
        'RSS empty MB',
        `RSS with sessions MB`,
        'MB per session',
        'CPU empty %',
        'CPU idle %',
      ],
      rows,
    );

    // Cold start of the whole cluster.
    await Promise.all(cluster.nodes.map((n) => n.stop()));
    const left = await cluster.sandbox.connections();
    console.log(
      `all nodes stopped (SIGTERM); devices still logged in at the sandbox: ${openDevices(left).size}`,
    );
    const startedAt = Date.now();
    const healthMs: Record<string, number> = {};
    await Promise.all(
      cluster.nodes.map(async (n) => {
        await n.restart();
        healthMs[n.id] = Date.now() - startedAt;
      }),
    );
    let allMs = NaN;
    await waitUntil(
      async () => {
        const open = openDevices(await cluster.sandbox.connections());
        if (open.size < linkedCount) return false;
        allMs = Date.now() - startedAt;
        return true;
      },
      { timeoutMs: 300_000, intervalMs: 250, what: 'every device logged in again' },
    );
    await waitUntil(
      async () => [...(await connectedByNode(cluster)).values()].reduce((a, b) => a + b, 0) >= linkedCount,
      { timeoutMs: 120_000, intervalMs: 500, what: 'every session connected on its owner' },
    );
    const gatewayMs = Date.now() - startedAt;
    const conns = await cluster.sandbox.connections();
    const perSec = loginsPerSecond(conns, startedAt);
    const after = await cluster.view();
    console.log(`\nCold start of the cluster (three nodes spawned at once, ${SESSIONS} sessions):\n`);
    table(
      [
        '/health answered (s)',
        'all logged in at the sandbox (s)',
        'all connected per the nodes (s)',
        'target',
        'verdict',
      ],
      [
        [
          cluster.nodes.map((n) => `${n.id} ${fmt(healthMs[n.id] / 1000)}`).join(', '),
          fmt(allMs / 1000),
          fmt(gatewayMs / 1000),
          '<= 60 s',
          verdict(allMs <= 60_000),
        ],
      ],
    );
    console.log(
      `logins per second during the cold start: max ${Math.max(...perSec)}, ` +
        `first 30 s: ${perSec.slice(0, 30).join(' ')}`,
    );
    console.log(`owners after the cold start: ${after.nodes.map((n) => `${n.id} ${n.sessions}`).join(', ')}`);
    console.log(`overlapping logins recorded by the sandbox: ${conns.overlaps.length}`);
    // Each overlap with its device's connections, timed from the start of linking, and its session's log lines.
    for (const o of conns.overlaps) {
      const device = conns.devices.find((d) => d.deviceJid === o.deviceJid);
      const session = sessionOf.get(o.deviceJid) ?? '?';
      const rel = (ms: number | null) => (ms === null ? 'open' : `${fmt((ms - t0) / 1000)} s`);
      console.log(`  ${session} (${o.deviceJid}) at ${rel(o.at)}; phases: cold start at ${rel(startedAt)}`);
      for (const c of device?.connections ?? [])
        console.log(`    connection ${rel(c.openedAt)} .. ${rel(c.closedAt)} (${c.reason ?? 'open'})`);
      for (const n of cluster.nodes)
        for (const l of n.logLines(session).slice(-10)) console.log(`    ${n.id}: ${l.slice(0, 300)}`);
    }
    console.log(
      `\nRSS per session: ${fmt(perSession / MB, 2)} MB (target <= 1 MB): ${verdict(perSession <= MB)}`,
    );
    if (mid) {
      const slope = (total(fullRss) - mid.rss) / (total(owned) - mid.owned);
      console.log(
        `marginal RSS per session from ${mid.owned} to ${total(owned)} sessions: ${fmt(slope / MB, 2)} MB`,
      );
    }
  } finally {
    // A node's failures that name no session (e.g. its engine thread) are shown whatever the outcome.
    for (const n of cluster.nodes)
      for (const l of n.output.filter((line) => /engine thread|uncaught|unhandled/i.test(line)).slice(-20))
        console.log(`${n.id}: ${l.slice(0, 2000)}`);
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
