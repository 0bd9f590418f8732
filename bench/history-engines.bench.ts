/**
 * History query latency at HISTORY_ROWS stored messages on SQLite and on PostgreSQL (a local embedded server,
 * bench/lib/postgres-server.ts), in the same run: the same deterministic rows (bench/lib/history-seed.ts) are
 * bulk-loaded into each engine (SQLite: one prepared INSERT in one transaction; PostgreSQL: multi-row INSERTs of
 * 1,000 rows), then both compiled gateways run side by side and each query shape of
 * GET /api/sessions/:id/messages is timed on one engine, then the other, so both see the same machine load.
 * What is timed is the HTTP request (auth, validation, the store's history query, serialisation), on one
 * keep-alive socket, REQS sequential requests per shape after a warm-up. Baseline: GET /api/info of each.
 * Target: p99 <= 10 ms on PostgreSQL, next to SQLite's.
 *
 * Run: npm run bench:history:postgres (builds first). Env: HISTORY_ROWS=1000000, REQS=200,
 * PG_SYNCHRONOUS_COMMIT (see bench/lib/postgres-server.ts).
 */
import Database from 'better-sqlite3';
import * as http from 'node:http';
import { Client } from 'pg';
import * as path from 'node:path';
import { BENCH_API_KEY, GatewayProcess, machineNote, startGateway, tempDir } from './lib/processes';
import { historyRows, seedPostgresHistory, seedSqliteHistory, SeededHistory } from './lib/history-seed';
import { startBenchPostgres } from './lib/postgres-server';
import { fmt, summarize, table, verdict } from './lib/stats';

const HISTORY_ROWS = Number(process.env.HISTORY_ROWS ?? 1_000_000);
const REQS = Number(process.env.REQS ?? 200);
const AUTH = { 'x-api-key': BENCH_API_KEY };
const BIG = 's0';

/** What the query shapes need, read off the generated rows (the same on both engines). */
function facts(start: number, now: number) {
  const ids: string[] = [];
  const byChat = new Map<string, string[]>();
  for (const row of historyRows(HISTORY_ROWS, start, now)) {
    if (row[1] !== BIG) continue;
    const id = row[0] as string;
    const chat = row[4] as string;
    ids.push(id);
    const list = byChat.get(chat) ?? [];
    list.push(id);
    byChat.set(chat, list);
  }
  const chats = [...byChat].sort((a, b) => b[1].length - a[1].length);
  const [hot, hotIds] = chats[0];
  const [cold, coldIds] = chats[chats.length - 1];
  return {
    rows: ids.length,
    hot: { jid: hot, n: hotIds.length },
    cold: { jid: cold, n: coldIds.length },
    // 99 % of the session's (or the chat's) history is newer than these
    deepId: ids[Math.floor(0.01 * ids.length)],
    deepHotId: hotIds[Math.floor(0.01 * hotIds.length)],
  };
}

/** One keep-alive socket of node:http (fetch's own allocations showed up in the measured tail). */
function client(gw: GatewayProcess) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const target = new URL(gw.url);
  return (p: string) =>
    new Promise<{ ms: number; body: { items?: unknown[] } }>((resolve, reject) => {
      const t = performance.now();
      http
        .get({ host: target.hostname, port: target.port, path: p, headers: AUTH, agent }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const ms = performance.now() - t;
            const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
            if (res.statusCode !== 200) reject(new Error(`${p}: ${res.statusCode} ${JSON.stringify(body)}`));
            else resolve({ ms, body });
          });
        })
        .on('error', reject);
    });
}

async function main(): Promise<void> {
  console.log(
    `# History query latency at ${HISTORY_ROWS.toLocaleString('en')} messages, SQLite and PostgreSQL\n\nMachine: ${machineNote()}\n`,
  );
  const pg = await startBenchPostgres();
  const dir = tempDir('gw-bench-history-');
  const pgUrl = await pg.createDatabase(`history_${process.pid}`);
  const gateways: Record<string, GatewayProcess> = {};
  try {
    // First boot creates each schema (migrations), then the rows go in directly.
    await (await startGateway({ dir })).stop();
    await (await startGateway({ env: { DATABASE_URL: pgUrl } })).stop();
    const now = Date.now();
    const seeded: Record<string, SeededHistory> = {
      sqlite: seedSqliteHistory(path.join(dir, 'app.db'), HISTORY_ROWS, now),
      postgres: await seedPostgresHistory(pgUrl, HISTORY_ROWS, now),
    };
    for (const [engine, s] of Object.entries(seeded))
      console.log(
        `${engine}: seeded ${HISTORY_ROWS.toLocaleString('en')} rows in ${fmt(s.seedMs / 1000, 1)} s`,
      );
    const { start } = seeded.sqlite;
    const f = facts(start, now);
    console.log(
      `session ${BIG}: ${f.rows.toLocaleString('en')} messages; busiest chat ${f.hot.n.toLocaleString('en')}, quietest ${f.cold.n}\n`,
    );

    gateways.sqlite = await startGateway({ dir });
    gateways.postgres = await startGateway({ env: { DATABASE_URL: pgUrl } });
    const engines = Object.keys(gateways);
    const clients = Object.fromEntries(engines.map((e) => [e, client(gateways[e])]));
    const phone = (jid: string) => jid.split('@')[0];
    const dayMs = 86_400_000;
    const mid = start + (now - start) / 2;
    const iso = (ms: number) => new Date(ms).toISOString();
    // A cursor names a seq (the page starts just before it); each engine's is looked up by the message id.
    const seqOf: Record<string, (id: string) => Promise<number>> = {
      sqlite: async (id) => {
        const db = new Database(path.join(dir, 'app.db'), { readonly: true });
        try {
          return (db.prepare('SELECT seq FROM messages WHERE id = ?').get(id) as { seq: number }).seq;
        } finally {
          db.close();
        }
      },
      postgres: async (id) => {
        const c = new Client({ connectionString: pgUrl });
        await c.connect();
        try {
          return Number((await c.query('SELECT seq FROM messages WHERE id = $1', [id])).rows[0].seq);
        } finally {
          await c.end();
        }
      },
    };
    const cursorBefore = async (engine: string, id: string, chat?: string) =>
      `${chat ? `chat=${phone(chat)}&` : ''}cursor=${Buffer.from(`s${await seqOf[engine](id)}`).toString('base64url')}`;
    /** `sql`: the store's main statement for the shape (`?` placeholders), timed alone from this process. */
    interface Shape {
      name: string;
      query: (engine: string) => Promise<string>;
      sql?: (engine: string) => Promise<{ where: string; args: (string | number)[] }>;
    }
    const deepSeq = (engine: string, id: string) => seqOf[engine](id);
    const shapes: Shape[] = [
      { name: 'first page, no filter', query: async () => '', sql: async () => ({ where: '', args: [] }) },
      {
        name: 'chat = busiest chat',
        query: async () => `chat=${phone(f.hot.jid)}`,
        sql: async () => ({ where: 'AND chat_jid = ?', args: [f.hot.jid] }),
      },
      {
        name: 'chat = quietest chat',
        query: async () => `chat=${phone(f.cold.jid)}`,
        sql: async () => ({ where: 'AND chat_jid = ?', args: [f.cold.jid] }),
      },
      {
        name: 'direction = in',
        query: async () => 'direction=in',
        sql: async () => ({ where: 'AND direction = ?', args: ['in'] }),
      },
      {
        name: 'status = failed',
        query: async () => 'status=failed',
        sql: async () => ({ where: 'AND status = ?', args: ['failed'] }),
      },
      {
        name: 'cursor 99 % deep, no filter',
        query: (e) => cursorBefore(e, f.deepId),
        sql: async (e) => ({ where: 'AND seq < ?', args: [await deepSeq(e, f.deepId)] }),
      },
      {
        name: 'cursor 99 % deep, chat = busiest',
        query: (e) => cursorBefore(e, f.deepHotId, f.hot.jid),
        sql: async (e) => ({
          where: 'AND chat_jid = ? AND seq < ?',
          args: [f.hot.jid, await deepSeq(e, f.deepHotId)],
        }),
      },
      {
        name: 'since/until: one day, 3 months ago (3 statements)',
        query: async () => `since=${iso(mid)}&until=${iso(mid + dayMs)}`,
      },
    ];
    // The main statement alone, from this process: in-process better-sqlite3, or one pg connection over TCP
    // with a named (prepared) statement as the gateway uses, and the plan PostgreSQL runs it with.
    const sqliteDb = new Database(path.join(dir, 'app.db'), { readonly: true });
    const pgClient = new Client({ connectionString: pgUrl });
    await pgClient.connect();
    const sqlAlone = async (engine: string, shape: Shape) => {
      if (!shape.sql) return null;
      const { where, args } = await shape.sql(engine);
      const sql = `SELECT * FROM messages WHERE session_id = ? ${where} ORDER BY seq DESC LIMIT ?`;
      const params = [BIG, ...args, 51];
      let n = 0;
      const text = sql.replace(/\?/g, () => `$${++n}`);
      const once =
        engine === 'sqlite'
          ? (() => {
              const stmt = sqliteDb.prepare(sql);
              return async () => void stmt.all(...params);
            })()
          : async () => void (await pgClient.query({ name: `h${shape.name}`, text, values: params }));
      for (let i = 0; i < 20; i++) await once();
      const ms: number[] = [];
      for (let i = 0; i < 100; i++) {
        const t = performance.now();
        await once();
        ms.push(performance.now() - t);
      }
      let plan = '';
      if (engine === 'postgres') {
        const explained = await pgClient.query(`EXPLAIN (ANALYZE, TIMING OFF) ${text}`, params);
        plan = (explained.rows as { 'QUERY PLAN': string }[])
          .map((r) => r['QUERY PLAN'].trim().replace(/^->\s*/, ''))
          .filter((l) => /Scan|Sort/.test(l))
          .map((l) => l.replace(/\s*\(cost=.*$/, ''))
          .join('; ');
      }
      return { ...summarize(ms), plan };
    };
    const measure = async (engine: string, p: string) => {
      const time = clients[engine];
      for (let i = 0; i < 20; i++) await time(p);
      (globalThis as { gc?: () => void }).gc?.();
      const ms: number[] = [];
      let items = 0;
      for (let i = 0; i < REQS; i++) {
        const r = await time(p);
        ms.push(r.ms);
        items = r.body.items?.length ?? 0;
      }
      return { ...summarize(ms), items };
    };
    const paths: Record<string, string[]> = {};
    for (const engine of engines) {
      paths[engine] = [];
      for (const s of shapes) {
        const q = await s.query(engine);
        paths[engine].push(`/api/sessions/${BIG}/messages${q ? '?' + q : ''}`);
      }
      // Warm each gateway on every shape (JIT, page caches / shared buffers for each index).
      for (const p of paths[engine]) for (let i = 0; i < 50; i++) await clients[engine](p);
    }
    const rows: (string | number)[][] = [];
    const worst: Record<string, number> = { sqlite: 0, postgres: 0 };
    const infos = Object.fromEntries(
      await Promise.all(engines.map(async (e) => [e, await measure(e, '/api/info')] as const)),
    );
    rows.push([
      'GET /api/info (baseline)',
      '-',
      ...engines.flatMap((e) => [fmt(infos[e].p50, 2), fmt(infos[e].p99, 2)]),
      '-',
      '',
      '',
      '',
    ]);
    for (const [i, s] of shapes.entries()) {
      const r: Record<string, Awaited<ReturnType<typeof measure>>> = {};
      const alone: Record<string, Awaited<ReturnType<typeof sqlAlone>>> = {};
      for (const engine of engines) {
        r[engine] = await measure(engine, paths[engine][i]);
        worst[engine] = Math.max(worst[engine], r[engine].p99);
        alone[engine] = await sqlAlone(engine, s);
      }
      rows.push([
        s.name,
        engines.map((e) => r[e].items).join(' / '),
        ...engines.flatMap((e) => [fmt(r[e].p50, 2), fmt(r[e].p99, 2)]),
        fmt(r.postgres.p99 / r.sqlite.p99, 2) + 'x',
        verdict(r.postgres.p99 <= 10),
        engines
          .map((e) => (alone[e] ? `${fmt(alone[e]!.p50, 2)} / ${fmt(alone[e]!.p99, 2)}` : '-'))
          .join('; '),
        alone.postgres?.plan ?? '',
      ]);
    }
    sqliteDb.close();
    await pgClient.end();
    console.log(`${REQS} sequential requests per row (after 20 warm-up), limit 50, session ${BIG}\n`);
    table(
      [
        'query',
        'items (SQLite / PG)',
        'SQLite p50 ms',
        'SQLite p99 ms',
        'PostgreSQL p50 ms',
        'PostgreSQL p99 ms',
        'p99 PG / SQLite',
        'PG p99 <= 10 ms',
        'SQL alone p50 / p99 ms: SQLite; PG',
        'PostgreSQL plan',
      ],
      rows,
    );
    table(
      ['target', 'measured', 'verdict'],
      [
        [
          'history p99 <= 10 ms, PostgreSQL',
          `worst ${fmt(worst.postgres, 2)} ms`,
          verdict(worst.postgres <= 10),
        ],
        ['(SQLite, same run)', `worst ${fmt(worst.sqlite, 2)} ms`, verdict(worst.sqlite <= 10)],
      ],
    );
    console.log(`Done. Machine at the end: ${machineNote()}`);
  } finally {
    for (const gw of Object.values(gateways)) await gw.stop();
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
