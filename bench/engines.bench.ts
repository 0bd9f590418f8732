/**
 * The same gateway on SQLite and on PostgreSQL (a local embedded server, bench/lib/postgres-server.ts), in the
 * same run; SQLite is the baseline. Two parts (select with PARTS=accept,inbound; default both):
 *
 * accept  - POST /api/sessions/default/messages through the full HTTP stack of the compiled gateway, the session
 *           unlinked so each send is stored `queued` and nothing drains (as in bench/messaging.bench.ts).
 *           Closed loop (autocannon, 10 connections, max rate), then a fixed 200 msg/s, open loop, evenly paced
 *           (bench/lib/paced-load.ts; latency counted from when each request was due).
 *           Targets: PostgreSQL >= 0.7x SQLite's msg/s; p99 <= 10 ms at 200 msg/s on each engine.
 * inbound - a sandbox contact sends INBOUND_N texts to the gateway's linked account -> stored -> the signed
 *           webhook reaches a loopback receiver (as in bench/webhooks-fullpath.ts); rate from the first to the
 *           last webhook arrival. Target: PostgreSQL >= 0.7x SQLite's msg/s.
 *
 * On PostgreSQL the bench also prints statements and commits per message (pg_stat_statements of the gateway's
 * database), with the server's time on each statement, and the CPU each message cost the gateway and the
 * server's processes (statements are not round trips: the write lane pipelines those a body does not wait for).
 * pg_stat_statements does not list a BEGIN sent through the extended protocol.
 *
 * Run: npm run bench:engines (builds first). Env: PARTS, DURATION_S=10, RATE=200, INBOUND_N=2000, ROUNDS=1
 * (alternating SQLite / PostgreSQL rounds per part; ratios are of the medians), PG_SYNCHRONOUS_COMMIT (see
 * bench/lib/postgres-server.ts), BASELINE_ROOT (a built checkout, e.g. of the commit before a change: its
 * gateway runs as a third variant on PostgreSQL, in the same rounds), GW_NODE_FLAGS (extra Node flags for every
 * gateway, e.g. a CPU profile).
 */
import autocannon from 'autocannon';
import {
  BENCH_API_KEY,
  GatewayProcess,
  linkGatewaySession,
  machineNote,
  processCpuMs,
  SandboxProcess,
  startGateway,
  startSandbox,
} from './lib/processes';
import { pacedLoad } from './lib/paced-load';
import { BenchPostgres, PgCounters, startBenchPostgres, statementBreakdown } from './lib/postgres-server';
import { fmt, median, table, verdict } from './lib/stats';
import { WebhookReceiver } from './lib/webhook-receiver';

const PARTS = (process.env.PARTS ?? 'accept,inbound').split(',');
const DURATION_S = Number(process.env.DURATION_S ?? 10);
const RATE = Number(process.env.RATE ?? 200);
const INBOUND_N = Number(process.env.INBOUND_N ?? 2000);
const ROUNDS = Number(process.env.ROUNDS ?? 1);
/** A checkout (built) whose gateway runs as a third variant on PostgreSQL, e.g. the commit before a change. */
const BASELINE_ROOT = process.env.BASELINE_ROOT;
/** Extra Node flags for every gateway, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` (written when it stops). */
const GW_NODE_FLAGS = (process.env.GW_NODE_FLAGS ?? '').split(' ').filter(Boolean);

interface Variant {
  name: string;
  engine: 'sqlite' | 'postgres';
  root?: string;
}
const VARIANTS: Variant[] = [
  { name: 'sqlite', engine: 'sqlite' },
  { name: 'postgres', engine: 'postgres' },
  ...(BASELINE_ROOT
    ? [{ name: 'postgres, baseline build', engine: 'postgres' as const, root: BASELINE_ROOT }]
    : []),
];

const SEND_BODY = JSON.stringify({ to: '6281234567890', type: 'text', text: 'Hello from the benchmark!' });
const AUTH = { 'x-api-key': BENCH_API_KEY, 'content-type': 'application/json' };

let databases = 0;

/** A gateway on `engine`: SQLite in its data directory, or a new database of its own on the PostgreSQL server. */
async function gatewayOn(
  variant: Variant,
  pg: BenchPostgres,
  env: Record<string, string>,
): Promise<{ gw: GatewayProcess; counters: () => Promise<PgCounters> }> {
  if (variant.engine === 'sqlite') {
    const gw = await startGateway({ env, root: variant.root, nodeFlags: GW_NODE_FLAGS });
    const none: PgCounters = { statements: NaN, commits: NaN, serverMs: NaN, byStatement: new Map() };
    return { gw, counters: async () => none };
  }
  const name = `bench_${process.pid}_${++databases}`;
  const url = await pg.createDatabase(name);
  const gw = await startGateway({
    env: { ...env, DATABASE_URL: url },
    root: variant.root,
    nodeFlags: GW_NODE_FLAGS,
  });
  return { gw, counters: () => pg.counters(name) };
}

interface AcceptResult {
  maxRps: number;
  maxP99: number;
  pacedRps: number;
  pacedP50: number;
  pacedP99: number;
  pacedMax: number;
  failures: number;
  queued: number;
  statementsPerMsg: number;
  commitsPerMsg: number;
  /** PostgreSQL's time executing the statements, ms per message. */
  serverMsPerMsg: number;
  breakdown: ReturnType<typeof statementBreakdown>;
  /** CPU ms per accepted message at the max rate: the gateway's process; PostgreSQL's processes. */
  gatewayCpuPerMsg: number;
  postgresCpuPerMsg: number;
}

async function accept(variant: Variant, pg: BenchPostgres, sandbox: SandboxProcess): Promise<AcceptResult> {
  const { gw, counters } = await gatewayOn(variant, pg, { WA_WEBSOCKET_URL: sandbox.wsUrl });
  try {
    const url = `${gw.url}/api/sessions/default/messages`;
    const probe = await gw.post('/api/sessions/default/messages', JSON.parse(SEND_BODY));
    if (probe.status !== 202) throw new Error(`send probe: ${probe.status} ${JSON.stringify(probe.body)}`);
    const paced = () =>
      pacedLoad({ url, method: 'POST', headers: AUTH, body: SEND_BODY, rate: RATE, durationS: DURATION_S });
    await paced(); // warm-up: JIT, page caches, the pool's connections
    const before = await counters();
    const cpu0 = [processCpuMs(gw.child.pid) ?? NaN, variant.engine === 'postgres' ? pg.cpuMs() : NaN];
    const max = await autocannon({
      url,
      method: 'POST',
      headers: AUTH,
      body: SEND_BODY,
      connections: 10,
      duration: DURATION_S,
    });
    const cpu1 = [processCpuMs(gw.child.pid) ?? NaN, variant.engine === 'postgres' ? pg.cpuMs() : NaN];
    const after = await counters();
    const fixed = await paced();
    const queued = (await gw.get('/api/sessions/default')).body?.queueDepth as number;
    const sent = max.requests.total;
    return {
      maxRps: max.requests.average,
      maxP99: max.latency.p99,
      pacedRps: fixed.rps,
      pacedP50: fixed.p50,
      pacedP99: fixed.p99,
      pacedMax: fixed.max,
      failures: max.non2xx + max.errors + max.timeouts + fixed.non2xx + fixed.errors,
      queued,
      statementsPerMsg: (after.statements - before.statements) / sent,
      commitsPerMsg: (after.commits - before.commits) / sent,
      serverMsPerMsg: (after.serverMs - before.serverMs) / sent,
      breakdown: statementBreakdown(before, after, sent),
      gatewayCpuPerMsg: (cpu1[0] - cpu0[0]) / sent,
      postgresCpuPerMsg: (cpu1[1] - cpu0[1]) / sent,
    };
  } finally {
    await gw.stop();
  }
}

interface InboundResult {
  rate: number;
  spanMs: number;
  sendMs: number;
  statementsPerMsg: number;
  commitsPerMsg: number;
  serverMsPerMsg: number;
  breakdown: ReturnType<typeof statementBreakdown>;
  /** CPU ms per message: the gateway, PostgreSQL's processes, the sandbox, this process (the receiver). */
  cpuPerMsg: { gateway: number; postgres: number; sandbox: number; receiver: number };
}

async function inbound(
  variant: Variant,
  pg: BenchPostgres,
  sandbox: SandboxProcess,
  receiver: WebhookReceiver,
  hook: string,
  tag: string,
): Promise<InboundResult> {
  const { gw, counters } = await gatewayOn(variant, pg, {
    WA_WEBSOCKET_URL: sandbox.wsUrl,
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
  });
  try {
    const phone = await linkGatewaySession(gw, sandbox, 'default');
    const created = await gw.post('/api/webhook-endpoints', { url: hook, events: ['message.received'] });
    if (created.status !== 201)
      throw new Error(`endpoint: ${created.status} ${JSON.stringify(created.body)}`);
    const contactSend = async (n: number, prefix: string) => {
      const res = await fetch(`${sandbox.control}/contact-send-many`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ from: '6281200000002', to: phone, n, prefix }),
      });
      if (!res.ok) throw new Error(`contact-send: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { ms: number }).ms;
    };
    const run = async (prefix: string, n: number) => {
      const sent = contactSend(n, prefix);
      const times = await receiver.waitFor(prefix, n);
      const sendMs = await sent;
      const spanMs = times[times.length - 1] - times[0];
      return { rate: (n - 1) / (spanMs / 1000 || 1), spanMs, sendMs };
    };
    await run(`${tag}-warm`, 50);
    const before = await counters();
    const cpu = () => ({
      gateway: processCpuMs(gw.child.pid) ?? NaN,
      postgres: variant.engine === 'postgres' ? pg.cpuMs() : NaN,
      sandbox: processCpuMs(sandbox.child.pid) ?? NaN,
      receiver: processCpuMs(process.pid) ?? NaN,
    });
    const cpu0 = cpu();
    const r = await run(tag, INBOUND_N);
    const cpu1 = cpu();
    const after = await counters();
    const perMsg = (k: keyof typeof cpu0) => (cpu1[k] - cpu0[k]) / INBOUND_N;
    return {
      ...r,
      cpuPerMsg: {
        gateway: perMsg('gateway'),
        postgres: perMsg('postgres'),
        sandbox: perMsg('sandbox'),
        receiver: perMsg('receiver'),
      },
      statementsPerMsg: (after.statements - before.statements) / INBOUND_N,
      commitsPerMsg: (after.commits - before.commits) / INBOUND_N,
      serverMsPerMsg: (after.serverMs - before.serverMs) / INBOUND_N,
      breakdown: statementBreakdown(before, after, INBOUND_N),
    };
  } finally {
    await gw.stop();
  }
}

/** The statements of each PostgreSQL variant's last round, per message: calls and the server's time. */
function printBreakdowns(
  what: string,
  results: Record<string, { breakdown: ReturnType<typeof statementBreakdown> }[]>,
): void {
  for (const { name, engine } of VARIANTS) {
    if (engine !== 'postgres') continue;
    const rs = results[name];
    console.log(`Statements per ${what}, ${name} (last round):\n`);
    table(
      ['calls', 'server ms', 'statement'],
      rs[rs.length - 1].breakdown.map((b) => [fmt(b.calls, 2), fmt(b.ms, 3), b.query.slice(0, 110)]),
    );
  }
}

async function main(): Promise<void> {
  console.log(`# Storage engines: SQLite and PostgreSQL\n\nMachine: ${machineNote()}\n`);
  const t0 = performance.now();
  const pg = await startBenchPostgres();
  console.log(
    `PostgreSQL started in ${fmt((performance.now() - t0) / 1000, 1)} s (synchronous_commit=${process.env.PG_SYNCHRONOUS_COMMIT ?? 'off'})\n`,
  );
  const sandbox = await startSandbox({ receipts: false });
  const receiver = new WebhookReceiver();
  const hook = await receiver.listen();
  const targets: (string | number)[][] = [];
  try {
    if (PARTS.includes('accept')) {
      console.log(`## Send acceptance (stored queued), ${DURATION_S} s per load\n`);
      const results: Record<string, AcceptResult[]> = Object.fromEntries(VARIANTS.map((v) => [v.name, []]));
      for (let round = 0; round < ROUNDS; round++)
        for (const v of VARIANTS) {
          const r = await accept(v, pg, sandbox);
          results[v.name].push(r);
          console.log(
            `round ${round + 1} ${v.name}: ${fmt(r.maxRps, 0)} msg/s; p99 at ${RATE} msg/s ${fmt(r.pacedP99, 1)} ms`,
          );
        }
      console.log('');
      const rows = VARIANTS.map(({ name, engine }) => {
        const rs = results[name];
        const last = rs[rs.length - 1];
        return [
          name,
          rs.map((r) => fmt(r.maxRps, 0)).join(', '),
          fmt(median(rs.map((r) => r.maxRps)) / median(results.sqlite.map((r) => r.maxRps)), 2) + 'x',
          fmt(last.maxP99, 1),
          `${fmt(last.pacedRps, 0)}`,
          fmt(last.pacedP50, 1),
          rs.map((r) => fmt(r.pacedP99, 1)).join(', '),
          fmt(last.pacedMax, 0),
          last.failures,
          last.queued,
          engine === 'postgres'
            ? `${fmt(last.statementsPerMsg, 2)} / ${fmt(last.commitsPerMsg, 2)} / ${fmt(last.serverMsPerMsg, 3)}`
            : '-',
          `${fmt(median(rs.map((r) => r.gatewayCpuPerMsg)), 3)}${
            engine === 'postgres' ? ` + ${fmt(median(rs.map((r) => r.postgresCpuPerMsg)), 3)}` : ''
          }`,
        ];
      });
      table(
        [
          'engine',
          'max msg/s (10 conn.)',
          'ratio vs SQLite',
          'p99 ms at max',
          `paced msg/s (${RATE} offered)`,
          'p50 ms',
          'p99 ms',
          'max ms',
          'non-2xx/errors',
          'queued at end',
          'statements / commits / server ms per msg',
          'CPU ms per msg at max: gateway + PostgreSQL',
        ],
        rows,
      );
      printBreakdowns('accepted message, at max rate', results);
      const ratio =
        median(results.postgres.map((r) => r.maxRps)) / median(results.sqlite.map((r) => r.maxRps));
      targets.push([
        'send acceptance: PostgreSQL >= 0.7x SQLite',
        fmt(ratio, 2) + 'x',
        verdict(ratio >= 0.7),
      ]);
      for (const { name } of VARIANTS) {
        const p99 = median(results[name].map((r) => r.pacedP99));
        targets.push([
          `send acceptance p99 <= 10 ms at ${RATE} msg/s, ${name} (median of rounds)`,
          `${fmt(p99, 1)} ms`,
          verdict(p99 <= 10),
        ]);
      }
    }
    if (PARTS.includes('inbound')) {
      console.log(
        `## Inbound -> webhook (sandbox contact -> stored -> webhook received), ${INBOUND_N} messages\n`,
      );
      const results: Record<string, InboundResult[]> = Object.fromEntries(VARIANTS.map((v) => [v.name, []]));
      for (let round = 0; round < ROUNDS; round++)
        for (const [i, v] of VARIANTS.entries()) {
          const r = await inbound(v, pg, sandbox, receiver, hook, `r${round}-v${i}`);
          results[v.name].push(r);
          console.log(`round ${round + 1} ${v.name}: ${fmt(r.rate, 0)} msg/s`);
        }
      console.log('');
      const base = median(results.sqlite.map((r) => r.rate));
      table(
        [
          'engine',
          'msgs/s (first -> last webhook)',
          'ratio vs SQLite',
          'first -> last ms',
          'sandbox sending took ms',
          'statements / commits / server ms per msg',
          'CPU ms per msg: gateway + PostgreSQL; sandbox, receiver',
        ],
        VARIANTS.map(({ name, engine }) => {
          const rs = results[name];
          const last = rs[rs.length - 1];
          return [
            name,
            rs.map((r) => fmt(r.rate, 0)).join(', '),
            fmt(median(rs.map((r) => r.rate)) / base, 2) + 'x',
            fmt(last.spanMs, 0),
            fmt(last.sendMs, 0),
            engine === 'postgres'
              ? `${fmt(last.statementsPerMsg, 2)} / ${fmt(last.commitsPerMsg, 2)} / ${fmt(last.serverMsPerMsg, 3)}`
              : '-',
            `${fmt(median(rs.map((r) => r.cpuPerMsg.gateway)), 2)}${
              engine === 'postgres' ? ` + ${fmt(median(rs.map((r) => r.cpuPerMsg.postgres)), 2)}` : ''
            }; ${fmt(median(rs.map((r) => r.cpuPerMsg.sandbox)), 2)}, ${fmt(median(rs.map((r) => r.cpuPerMsg.receiver)), 2)}`,
          ];
        }),
      );
      printBreakdowns('inbound message', results);
      const ratio = median(results.postgres.map((r) => r.rate)) / base;
      targets.push([
        'inbound -> webhook: PostgreSQL >= 0.7x SQLite',
        fmt(ratio, 2) + 'x',
        verdict(ratio >= 0.7),
      ]);
    }
    table(['target', 'measured', 'verdict'], targets);
    console.log(`Done. Machine at the end: ${machineNote()}`);
  } finally {
    receiver.close();
    await sandbox.stop();
    await pg.stop();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
