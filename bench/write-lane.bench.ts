/**
 * PostgreSQL's write lane alone (src/database/sql/postgres-database.ts): the transaction bodies of a send's
 * acceptance and of an inbound message, written by CONCURRENCY callers in a closed loop, without HTTP, Baileys
 * or the sandbox, so that fewer processes share the machine's cores than in bench/engines.bench.ts. With
 * BASELINE_ROOT (a built checkout, e.g. the commit before a change) its adapter runs the same bodies on the
 * same server, alternating rounds with this one, each on a database of its own.
 *
 * accept  - one write per send: the `messages` INSERT of MessageStore.insert (ON CONFLICT DO NOTHING).
 * inbound - per message, as the gateway writes it: the Signal key upsert its decryption set (a write of its
 *           own, not waited for), then the message row, its webhook event and one delivery row in one write.
 *
 * Run: node -r ./scripts/swc-register.js bench/write-lane.bench.ts. Env: DURATION_S=5, CONCURRENCY=10,
 * ROUNDS=3, BASELINE_ROOT, PG_SYNCHRONOUS_COMMIT (see bench/lib/postgres-server.ts).
 */
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { Pool } from 'pg';
import { openDataSource, postgresOptions } from '../src/database/open-database';
import { PostgresDatabase } from '../src/database/sql/postgres-database';
import { execute, run, runExpecting, Sql, SqlDatabase } from '../src/database/sql/sql';
import { MessageEntity } from '../src/messaging/message.entity';
import { MessageStore } from '../src/messaging/message.store';
import { machineNote } from './lib/processes';
import { startBenchPostgres } from './lib/postgres-server';
import { fmt, median, summarize, table } from './lib/stats';

const DURATION_S = Number(process.env.DURATION_S ?? 5);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 10);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const BASELINE_ROOT = process.env.BASELINE_ROOT;

type Adapter = new (pool: Pool) => SqlDatabase & { close(): Promise<void> };
const VARIANTS: { name: string; adapter: Adapter }[] = [
  { name: 'this build', adapter: PostgresDatabase },
  ...(BASELINE_ROOT
    ? [
        {
          name: 'baseline build',
          adapter: (
            require(path.resolve(BASELINE_ROOT, 'dist/database/sql/postgres-database.js')) as {
              PostgresDatabase: Adapter;
            }
          ).PostgresDatabase,
        },
      ]
    : []),
];

function messageRow(n: number): Omit<MessageEntity, 'seq'> {
  const now = Date.now();
  return {
    id: `msg_${randomUUID().replace(/-/g, '')}`,
    sessionId: 'default',
    direction: 'in',
    waMessageId: `WA${n}-${randomUUID()}`,
    chatJid: '6281200000002@s.whatsapp.net',
    chatType: 'direct',
    fromMe: false,
    senderJid: '6281200000002@s.whatsapp.net',
    senderPhone: '6281200000002',
    senderLid: null,
    pushName: 'Bench',
    type: 'text',
    text: `Hello from the benchmark ${n}`,
    quotedMessageId: null,
    details: null,
    request: null,
    waPayload: null,
    status: 'received',
    error: null,
    source: 'whatsapp',
    ruleId: null,
    idempotencyKey: null,
    attempts: 0,
    createdAt: now,
    waTimestamp: Math.floor(now / 1000),
    sentAt: null,
    deliveredAt: null,
    readAt: null,
    failedAt: null,
    readByMeAt: null,
    expiresAt: null,
    editedAt: null,
    revokedAt: null,
    messageSecret: null,
  };
}

/** The writes of one operation, as the gateway asks for them (their promises, settled after commit). */
type Operation = (sql: SqlDatabase, store: MessageStore, n: number) => Promise<unknown>;

const OPERATIONS: Record<string, Operation> = {
  accept: (sql, store, n) => sql.write(() => store.insert({ ...messageRow(n), direction: 'out' })),
  inbound: (sql, store, n) => {
    const key = sql.write(() =>
      execute(
        'INSERT INTO auth_keys (session_id, type, id, value) VALUES (?, ?, ?, ?) ' +
          'ON CONFLICT (session_id, type, id) DO UPDATE SET value = excluded.value',
        ['default', 'session', '6281200000002.0', `ratchet state ${n} `.repeat(40)],
      ),
    );
    const message = sql.write(function* (): Sql<boolean> {
      const row = messageRow(n);
      if (!(yield* store.insert(row))) return false;
      const eventId = `evt_${randomUUID()}`;
      const now = Date.now();
      yield* execute(
        `INSERT INTO webhook_events (id, type, session, payload, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
        [eventId, 'message.received', 'default', JSON.stringify({ id: eventId, data: row }), now],
      );
      yield* runExpecting(
        `INSERT INTO webhook_deliveries
           (id, event_id, endpoint_id, event_type, status, lease_owner, next_attempt_at, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
        [`whd_${randomUUID()}`, eventId, 'whe_bench', 'message.received', 'pending', null, now, now, now],
        1,
      );
      return true;
    });
    return Promise.all([key, message]);
  },
};

async function round(url: string, adapter: Adapter, operation: Operation) {
  const dataSource = await openDataSource(
    postgresOptions({ engine: 'postgres', url, poolSize: 4, ssl: { mode: 'disable' } }),
  );
  const pool = new Pool({ connectionString: url, max: 4 });
  const sql = new adapter(pool);
  const store = new MessageStore(dataSource.getRepository(MessageEntity), dataSource, sql);
  const now = Date.now();
  await sql.write(() =>
    run(
      `INSERT INTO webhook_endpoints (id, url, description, events, headers, enabled, is_default, secret, created_at, updated_at)
       VALUES (?, ?, '', ?, '{}', ?, ?, ?, ?, ?)`,
      ['whe_bench', 'http://127.0.0.1:9/hook', '["*"]', true, false, 'whsec_bench', now, now],
    ),
  );
  let n = 0;
  const latencies: number[] = [];
  const loop = async (until: number) => {
    while (performance.now() < until) {
      const t = performance.now();
      await operation(sql, store, ++n);
      latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, () => loop(performance.now() + 1000))); // warm-up
  latencies.length = 0;
  const commits: number[] = [];
  sql.observeCommits((_s, writes) => commits.push(writes));
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, () => loop(t0 + DURATION_S * 1000)));
  const seconds = (performance.now() - t0) / 1000;
  await sql.close();
  await pool.end();
  await dataSource.destroy();
  const s = summarize(latencies);
  return { rate: latencies.length / seconds, p50: s.p50, p99: s.p99, perCommit: median(commits) };
}

async function main(): Promise<void> {
  console.log(`# PostgreSQL write lane\n\nMachine: ${machineNote()}\n`);
  const pg = await startBenchPostgres();
  let databases = 0;
  try {
    for (const [name, operation] of Object.entries(OPERATIONS)) {
      const results: Record<string, Awaited<ReturnType<typeof round>>[]> = {};
      for (let r = 0; r < ROUNDS; r++)
        for (const v of VARIANTS) {
          const url = await pg.createDatabase(`lane_${process.pid}_${++databases}`);
          const result = await round(url, v.adapter, operation);
          (results[v.name] ??= []).push(result);
          console.log(`${name} round ${r + 1}, ${v.name}: ${fmt(result.rate, 0)} ops/s`);
        }
      console.log(`\n## ${name}, ${CONCURRENCY} callers, ${DURATION_S} s per round\n`);
      table(
        [
          'adapter',
          'ops/s, rounds',
          'median',
          'p50 ms (median)',
          'p99 ms, rounds',
          'writes per commit (median)',
        ],
        VARIANTS.map((v) => {
          const rs = results[v.name];
          return [
            v.name,
            rs.map((x) => fmt(x.rate, 0)).join(', '),
            fmt(median(rs.map((x) => x.rate)), 0),
            fmt(median(rs.map((x) => x.p50)), 2),
            rs.map((x) => fmt(x.p99, 1)).join(', '),
            fmt(median(rs.map((x) => x.perCommit)), 0),
          ];
        }),
      );
    }
    console.log(`Done. Machine at the end: ${machineNote()}`);
  } finally {
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
