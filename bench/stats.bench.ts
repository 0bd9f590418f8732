/**
 * GET /api/stats at 1,000,000 stored messages.
 *
 * The compiled gateway creates the schema on a real SQLite file (migrations, with the stats triggers); then
 * 1,000,000 messages over 30 days and 5 sessions, and 100,000 webhook deliveries with one attempt each, go in
 * straight through better-sqlite3 in one transaction (the triggers fill the rollups as they would live). The
 * gateway is started again on that file and each scenario is requested REQS times, one at a time, after WARMUP.
 *
 * Baselines in the same run: GET /api/info of the same gateway (the HTTP floor), and on better-sqlite3 a plain
 * `SELECT count(*)` over the same window (the least any answer from the messages table costs), as a ratio; also
 * the raw GROUP BY over `messages` that the rollup replaces (a few runs only: it is slow).
 * Target: p99 <= 50 ms for every scenario.
 *
 * Run: npm run bench:stats (builds first). Env: ROWS=1000000, ATTEMPTS=100000, REQS=300, WARMUP=30.
 */
import Database from 'better-sqlite3';
import * as path from 'node:path';
import { BENCH_API_KEY, machineNote, startGateway, tempDir } from './lib/processes';
import { fmt, summarize, table, verdict } from './lib/stats';

const ROWS = Number(process.env.ROWS ?? 1_000_000);
const ATTEMPTS = Number(process.env.ATTEMPTS ?? 100_000);
const REQS = Number(process.env.REQS ?? 300);
const WARMUP = Number(process.env.WARMUP ?? 30);
const SESSIONS = ['s0', 's1', 's2', 's3', 's4'];
const REASONS = [
  'Recipient not on WhatsApp: has no WhatsApp account',
  'Media download failed: 404',
  'Send timed out',
  'Session logged out',
  'rejected by WhatsApp',
];
const DAY = 86_400_000;

/** mulberry32: deterministic, so every run seeds the same data. */
function prng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function seed(dbPath: string, now: number): { seedMs: number; start: number } {
  const db = new Database(dbPath);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const start = now - 30 * DAY;
  const rand = prng(42);
  const insSession = db.prepare(
    `INSERT INTO sessions (id, status, created_at, updated_at) VALUES (?, 'disconnected', ?, ?)`,
  );
  const ins = db.prepare(
    `INSERT INTO messages (id, session_id, direction, wa_message_id, chat_jid, chat_type, from_me, type, text,
       status, error, source, attempts, created_at, sent_at, delivered_at, read_at, failed_at)
     VALUES (?, ?, ?, ?, ?, 'user', ?, 'text', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insEvent = db.prepare(
    `INSERT INTO webhook_events (id, type, session, payload, created_at) VALUES (?, 'message.received', ?, '{}', ?)`,
  );
  const insDelivery = db.prepare(
    `INSERT INTO webhook_deliveries (id, event_id, endpoint_id, event_type, status, attempts, run_attempts,
       next_attempt_at, created_at, updated_at, delivered_at)
     VALUES (?, ?, 'wh_bench', 'message.received', ?, 1, 1, ?, ?, ?, ?)`,
  );
  const insAttempt = db.prepare(
    `INSERT INTO webhook_attempts (delivery_id, attempt, started_at, duration_ms, status_code, success)
     VALUES (?, 1, ?, ?, ?, ?)`,
  );
  const t0 = performance.now();
  db.transaction(() => {
    for (const s of SESSIONS) insSession.run(s, start, start);
    for (let i = 0; i < ROWS; i++) {
      const session = SESSIONS[Math.floor(rand() ** 1.5 * SESSIONS.length)];
      const inbound = rand() < 0.55;
      const createdAt = Math.floor(start + ((now - start) * i) / ROWS);
      const r = rand();
      const status = inbound
        ? 'received'
        : r < 0.8
          ? 'read'
          : r < 0.9
            ? 'delivered'
            : r < 0.97
              ? 'sent'
              : r < 0.995
                ? 'failed'
                : 'queued';
      const chat = `62811${String(Math.floor(rand() * 5000)).padStart(7, '0')}@s.whatsapp.net`;
      ins.run(
        `msg_${i.toString(36).padStart(10, '0')}`,
        session,
        inbound ? 'in' : 'out',
        status === 'queued' ? null : `3EB0${i.toString(16).toUpperCase().padStart(16, '0')}`,
        chat,
        inbound ? 0 : 1,
        'hello there, see you tomorrow',
        status,
        status === 'failed' ? REASONS[Math.floor(rand() ** 2 * REASONS.length)] : null,
        inbound ? 'whatsapp' : 'api',
        inbound ? 0 : 1,
        createdAt,
        !inbound && status !== 'queued' && status !== 'failed' ? createdAt + 500 : null,
        status === 'delivered' || status === 'read' ? createdAt + 1500 : null,
        status === 'read' ? createdAt + 60_000 : null,
        status === 'failed' ? createdAt + 500 : null,
      );
    }
    db.prepare(
      `INSERT INTO webhook_endpoints (id, url, events, secret, created_at, updated_at)
       VALUES ('wh_bench', 'https://example.com/hook', '["*"]', 'whsec_bench', ?, ?)`,
    ).run(start, start);
    for (let i = 0; i < ATTEMPTS; i++) {
      const at = Math.floor(start + ((now - start) * i) / ATTEMPTS);
      const ok = rand() < 0.97;
      const duration = Math.floor(5 + rand() ** 3 * 2000);
      insEvent.run(`evt_${i}`, SESSIONS[i % SESSIONS.length], at);
      insDelivery.run(`dlv_${i}`, `evt_${i}`, ok ? 'delivered' : 'failed', at, at, at, ok ? at : null);
      insAttempt.run(`dlv_${i}`, at, duration, ok ? 200 : 500, ok ? 1 : 0);
    }
  })();
  const seedMs = performance.now() - t0;
  db.close();
  return { seedMs, start };
}

async function timed(fn: () => Promise<unknown> | unknown, n: number, warmup: number): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

function timedSync(fn: () => unknown, n: number, warmup: number): number[] {
  for (let i = 0; i < warmup; i++) fn();
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    fn();
    out.push(performance.now() - t0);
  }
  return out;
}

async function main(): Promise<void> {
  console.log(`# GET /api/stats at ${ROWS.toLocaleString('en')} messages\n\n${machineNote()}\n`);
  // REUSE_DIR: the directory of an earlier run, to measure again without seeding again.
  const dir = process.env.REUSE_DIR ?? tempDir('gw-bench-stats-');
  const dbPath = path.join(dir, 'app.db');
  // Nothing to connect to: sessions stay disconnected (a closed loopback port, backing off).
  const env = { WA_WEBSOCKET_URL: 'ws://127.0.0.1:9', WA_RECONNECT_BASE_MS: '60000' };
  let now: number;
  let start: number;
  if (process.env.REUSE_DIR) {
    const probe = new Database(dbPath, { readonly: true });
    now = (probe.prepare('SELECT MAX(created_at) AS n FROM messages').get() as { n: number }).n + 1;
    start = now - 30 * DAY;
    probe.close();
    console.log(`reusing ${dbPath}\n`);
  } else {
    const first = await startGateway({ dir, env });
    await first.stop();
    now = Date.now();
    const seeded = seed(dbPath, now);
    start = seeded.start;
    console.log(
      `seeded ${ROWS.toLocaleString('en')} messages and ${ATTEMPTS.toLocaleString('en')} webhook deliveries ` +
        `(one transaction, triggers on) in ${fmt(seeded.seedMs / 1000, 1)} s in ${dir}\n`,
    );
  }
  const gw = await startGateway({ dir, env });
  const db = new Database(dbPath, { readonly: true });
  const iso = (ms: number) => new Date(ms).toISOString();
  const dayAgo = now - DAY;
  const week = now - 7 * DAY;

  const get = async (p: string) => {
    const res = await fetch(gw.url + p, { headers: { 'X-API-Key': BENCH_API_KEY } });
    const body = await res.text();
    if (res.status !== 200) throw new Error(`${p}: ${res.status} ${body}`);
  };
  const scenarios = [
    {
      name: 'a day by hour, all sessions',
      q: `bucket=hour&from=${iso(dayAgo)}&to=${iso(now)}`,
      from: dayAgo,
    },
    {
      name: 'a day by hour, one session',
      q: `bucket=hour&from=${iso(dayAgo)}&to=${iso(now)}&session=s0`,
      from: dayAgo,
      s: 's0',
    },
    { name: '7 days by hour, all sessions', q: `bucket=hour&from=${iso(week)}&to=${iso(now)}`, from: week },
    { name: '30 days by day, all sessions', q: `bucket=day&from=${iso(start)}&to=${iso(now)}`, from: start },
    {
      name: '30 days by day, one session',
      q: `bucket=day&from=${iso(start)}&to=${iso(now)}&session=s0`,
      from: start,
      s: 's0',
    },
    { name: 'defaults (last 24 h by hour)', q: '', from: dayAgo },
  ];
  // Every HTTP measurement first, then the SQL baselines: a pause on the client longer than the server's
  // keep-alive timeout would leave it a closed pooled connection.
  const info = summarize(await timed(() => get('/api/info'), REQS, WARMUP));
  const routes: ReturnType<typeof summarize>[] = [];
  for (const s of scenarios)
    routes.push(summarize(await timed(() => get(`/api/stats${s.q ? `?${s.q}` : ''}`), REQS, WARMUP)));
  await gw.stop();
  const rows: (string | number)[][] = [
    ['GET /api/info (HTTP floor)', fmt(info.p50, 2), fmt(info.p99, 2), '', '', ''],
  ];
  let met = true;
  scenarios.forEach((s, i) => {
    const route = routes[i];
    const countStmt = db.prepare(
      s.s
        ? 'SELECT count(*) FROM messages WHERE session_id = ? AND created_at >= ? AND created_at < ?'
        : 'SELECT count(*) FROM messages WHERE created_at >= ? AND created_at < ?',
    );
    const args = s.s ? [s.s, s.from, now] : [s.from, now];
    const count = summarize(timedSync(() => countStmt.get(...args), 20, 2));
    met &&= route.p99 <= 50;
    rows.push([
      `/api/stats ${s.name}`,
      fmt(route.p50, 2),
      fmt(route.p99, 2),
      fmt(count.p50, 2),
      fmt(route.p50 / count.p50, 2),
      verdict(route.p99 <= 50),
    ]);
  });
  table(['request', 'p50 ms', 'p99 ms', 'count(*) p50 ms', 'route / count(*)', 'p99 <= 50 ms'], rows);

  // What the rollup replaces: the same figures aggregated from the messages table itself.
  const raw = db.prepare(
    `SELECT (created_at - ?) / 86400000 AS b, direction, status, COUNT(*) FROM messages
     WHERE created_at >= ? AND created_at < ? GROUP BY b, direction, status`,
  );
  const rawMs = summarize(timedSync(() => raw.all(start, start, now), 5, 1));
  console.log(
    `\nraw GROUP BY over messages, 30 days by day, all sessions: p50 ${fmt(rawMs.p50, 1)} ms (5 runs)`,
  );
  console.log(`\nTarget p99 <= 50 ms in every scenario: ${verdict(met)}`);
  db.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
