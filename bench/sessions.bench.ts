/**
 * Issue 4: memory per idle linked session and cold start time.
 *
 * 1. Memory: the compiled gateway (child process, --expose-gc, IPC memory probe) links 1, 10, 25, 50 sessions
 *    against the sandbox (its own process, not counted). At each level: settle, force GC, read RSS and heap
 *    (median of 3 samples). The slope of a least-squares line is the cost per session. Baseline in the same
 *    run: raw Baileys sockets with in-memory auth (bench/lib/raw-baileys-worker.ts), same levels.
 *    Target: <= 2 MB RSS per idle session, i.e. within 2x raw Baileys.
 * 2. Cold start: spawn `node dist/main.js` on the data dir holding 50 linked sessions; time to the first 200
 *    on /health (target <= 5 s) and until all 50 are connected; and on an empty data dir (target <= 2 s).
 *
 * Run: npm run bench:sessions (builds first). Env: LEVELS=1,10,25,50  SETTLE_MS=5000  COLD_RUNS=2
 */
import {
  connectedCount,
  GatewayProcess,
  linkGatewaySession,
  machineNote,
  MemSample,
  pool,
  rpc,
  ROOT,
  sleep,
  startGateway,
  startSandbox,
  startTsWorker,
  stopChild,
  tempDir,
  waitForHealth,
  waitUntil,
} from './lib/processes';
import { fmt, linearFit, MB, median, table, verdict } from './lib/stats';
import * as path from 'node:path';

const LEVELS = (process.env.LEVELS ?? '1,10,25,50').split(',').map(Number);
const SETTLE_MS = Number(process.env.SETTLE_MS ?? 5000);
const COLD_RUNS = Number(process.env.COLD_RUNS ?? 2);

async function settledSample(read: () => Promise<MemSample>): Promise<MemSample> {
  await sleep(SETTLE_MS);
  const samples: MemSample[] = [];
  for (let i = 0; i < 3; i++) {
    samples.push(await read());
    await sleep(1000);
  }
  const pick = (k: keyof MemSample) => median(samples.map((s) => s[k]));
  return {
    rss: pick('rss'),
    heapUsed: pick('heapUsed'),
    heapTotal: pick('heapTotal'),
    external: pick('external'),
    arrayBuffers: pick('arrayBuffers'),
  };
}

async function main(): Promise<void> {
  console.log(`# Sessions benchmark (issue 4)\n\nMachine: ${machineNote()}\n`);
  const sandbox = await startSandbox({ receipts: false });
  const env = { WA_WEBSOCKET_URL: sandbox.wsUrl };
  const gwDir = tempDir('gw-bench-sessions-');
  const results: { who: string; n: number; mem: MemSample }[] = [];

  // --- Gateway ---
  let gw: GatewayProcess = await startGateway({ dir: gwDir, env, probe: true });
  let linked = 0;
  const t0 = Date.now();
  for (const level of LEVELS) {
    const ids = Array.from({ length: level - linked }, (_, i) =>
      linked + i === 0 ? 'default' : `s${String(linked + i + 1).padStart(3, '0')}`,
    );
    if (ids[0] === 'default') await linkGatewaySession(gw, sandbox, ids.shift()!);
    await pool(ids, 5, (id) => linkGatewaySession(gw, sandbox, id));
    linked = level;
    const connected = await connectedCount(gw);
    if (connected !== level) throw new Error(`expected ${level} connected sessions, got ${connected}`);
    const mem = await settledSample(() => gw.memory());
    results.push({ who: 'gateway', n: level, mem });
    console.log(`gateway ${level} sessions: rss ${fmt(mem.rss / MB)} MB, heap ${fmt(mem.heapUsed / MB)} MB`);
  }
  console.log(`(gateway linking + sampling took ${((Date.now() - t0) / 1000).toFixed(0)} s)\n`);

  // --- Raw Baileys baseline ---
  const worker = startTsWorker(path.join(ROOT, 'bench', 'lib', 'raw-baileys-worker.ts'), {}, ['--expose-gc']);
  await rpc(worker, 'init', { wsUrl: sandbox.wsUrl, control: sandbox.control, tlsCa: sandbox.tlsCa });
  let rawLinked = 0;
  for (const level of LEVELS) {
    await rpc(worker, 'link', { n: level - rawLinked });
    rawLinked = level;
    const mem = await settledSample(() => rpc<MemSample>(worker, 'mem'));
    results.push({ who: 'raw Baileys', n: level, mem });
    console.log(`raw ${level} sockets: rss ${fmt(mem.rss / MB)} MB, heap ${fmt(mem.heapUsed / MB)} MB`);
  }
  await rpc(worker, 'end').catch(() => undefined);
  await stopChild(worker);

  console.log('\n## Memory after forced GC (median of 3 samples)\n');
  table(
    ['process', 'sessions', 'RSS MB', 'heap used MB', 'external MB'],
    results.map((r) => [r.who, r.n, fmt(r.mem.rss / MB), fmt(r.mem.heapUsed / MB), fmt(r.mem.external / MB)]),
  );
  const fit = (who: string, k: keyof MemSample) => {
    const rows = results.filter((r) => r.who === who);
    return linearFit(
      rows.map((r) => r.n),
      rows.map((r) => r.mem[k] / MB),
    );
  };
  const gRss = fit('gateway', 'rss');
  const gHeap = fit('gateway', 'heapUsed');
  const rRss = fit('raw Baileys', 'rss');
  const rHeap = fit('raw Baileys', 'heapUsed');
  console.log('## Cost per idle linked session (least-squares slope)\n');
  table(
    ['', 'gateway', 'raw Baileys (baseline)', 'ratio', 'target', 'verdict'],
    [
      [
        'RSS MB/session',
        fmt(gRss.slope, 2),
        fmt(rRss.slope, 2),
        fmt(gRss.slope / rRss.slope, 2) + 'x',
        '<= 2 MB and <= 2x',
        verdict(gRss.slope <= 2 && gRss.slope / rRss.slope <= 2),
      ],
      [
        'heap MB/session',
        fmt(gHeap.slope, 2),
        fmt(rHeap.slope, 2),
        fmt(gHeap.slope / rHeap.slope, 2) + 'x',
        '',
        '',
      ],
      ['RSS intercept MB', fmt(gRss.intercept), fmt(rRss.intercept), '', '', ''],
    ],
  );

  // --- Cold start with the 50 linked sessions ---
  await gw.stop();
  const total = linked;
  const cold: { sessions: number; health: number; connected: number | null }[] = [];
  for (let run = 0; run < COLD_RUNS; run++) {
    gw = await startGateway({ dir: gwDir, env, waitHealthy: false });
    const health = await waitForHealth(gw, 60_000, 5);
    await waitUntil(
      async () => (await connectedCount(gw)) === total,
      `${total} sessions connected`,
      60_000,
      20,
    );
    const connected = performance.now() - gw.spawnedAt;
    cold.push({ sessions: total, health, connected });
    await gw.stop();
  }
  for (let run = 0; run < COLD_RUNS; run++) {
    gw = await startGateway({ dir: tempDir('gw-bench-empty-'), env, waitHealthy: false });
    const health = await waitForHealth(gw, 60_000, 5);
    cold.push({ sessions: 0, health, connected: null });
    await gw.stop();
  }
  const baseHealth = median(cold.filter((c) => c.sessions === 0).map((c) => c.health));
  console.log('## Cold start (spawn of node dist/main.js -> first 200 on /health)\n');
  table(
    ['linked sessions', 'run', '/health 200 ms', 'all connected ms', 'ratio vs empty', 'target', 'verdict'],
    cold.map((c, i) => {
      const target = c.sessions ? 5000 : 2000;
      return [
        c.sessions,
        (i % COLD_RUNS) + 1,
        fmt(c.health, 0),
        c.connected == null ? '-' : fmt(c.connected, 0),
        fmt(c.health / baseHealth, 2) + 'x',
        `<= ${target} ms`,
        verdict(c.health <= target),
      ];
    }),
  );
  await sandbox.stop();
  console.log(`Done. Machine at the end: ${machineNote()}`);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
