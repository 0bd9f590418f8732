/**
 * The chat list (ChatStore.page, what GET /api/sessions/:id/chats reads) at HISTORY_ROWS stored messages, on a
 * real SQLite file migrated as the gateway migrates it. The history benchmarks' rows (bench/lib/history-seed.ts:
 * ten sessions, s0 with 30 % of the rows over 2,000 chats) go in through the `messages` INSERT, so the `chats`
 * triggers fill the table as they would live; the seeding time is printed next to the same load without the
 * triggers as their cost. Timed, REQS times each after a warm-up: the first page of 50, a page deep in the walk,
 * a walk while messages arrive (a snapshot with 200 chats changed since), and as the baseline the GROUP BY over
 * `messages` the table replaces.
 * Target: p99 <= 10 ms for every page.
 *
 * Run: npm run bench:chats. Env: HISTORY_ROWS=1000000, REQS=200.
 */
import Database from 'better-sqlite3';
import * as path from 'node:path';
import { ChatStore, ChatWalk } from '../src/chats/chat.store';
import { dataSourceOptions } from '../src/database/data-source-options';
import { openDataSource } from '../src/database/open-database';
import { sqlDatabaseFor } from '../src/database/sql/database-for';
import { seedSqliteHistory } from './lib/history-seed';
import { machineNote, tempDir } from './lib/processes';
import { fmt, summarize, table, verdict } from './lib/stats';

const HISTORY_ROWS = Number(process.env.HISTORY_ROWS ?? 1_000_000);
const REQS = Number(process.env.REQS ?? 200);
const SESSION = 's0';

async function timed(n: number, fn: () => Promise<unknown> | unknown): Promise<number[]> {
  for (let i = 0; i < Math.min(20, n); i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

async function migrated(file: string) {
  const ds = await openDataSource(dataSourceOptions(file));
  return ds;
}

async function main(): Promise<void> {
  console.log(`chat list at ${HISTORY_ROWS} messages (SQLite); ${machineNote()}`);
  // The trigger's cost: the same load into a file without the `chats` triggers.
  const bare = path.join(tempDir('bench-chats-bare-'), 'app.db');
  await (await migrated(bare)).destroy();
  const raw = new Database(bare);
  for (const t of ['insert', 'move', 'read', 'delete']) raw.exec(`DROP TRIGGER "tr_messages_chats_${t}"`);
  raw.close();
  const without = seedSqliteHistory(bare, HISTORY_ROWS);

  const file = path.join(tempDir('bench-chats-'), 'app.db');
  await (await migrated(file)).destroy();
  const seeded = seedSqliteHistory(file, HISTORY_ROWS);
  console.log(
    `seeded in ${fmt(seeded.seedMs / 1000)} s with the chats triggers, ${fmt(without.seedMs / 1000)} s without`,
  );

  const ds = await migrated(file);
  const store = new ChatStore(sqlDatabaseFor(ds));
  const first = await store.page(SESSION, null, 50);
  // Deep: the page after 1,500 of the session's 2,000 chats.
  let deep: ChatWalk | null = null;
  for (let i = 0; i < 30; i++) deep = (await store.page(SESSION, deep, 50)).next;
  // While messages arrive: 200 chats of the walk get a message after its snapshot.
  const snapshot = first.next!;
  const db = new Database(file);
  const chats = db
    .prepare(`SELECT chat_jid FROM chats WHERE session_id = ? ORDER BY last_seq LIMIT 200`)
    .pluck()
    .all(SESSION) as string[];
  const ins = db.prepare(
    `INSERT INTO messages (id, session_id, direction, chat_jid, chat_type, from_me, type, text, status, source,
       attempts, created_at) VALUES (?, ?, 'in', ?, 'direct', 0, 'text', 'new', 'received', 'whatsapp', 0, ?)`,
  );
  db.transaction(() => chats.forEach((c, i) => ins.run(`msg_bench_new_${i}`, SESSION, c, Date.now())))();
  const groupBy = db.prepare(
    `SELECT chat_jid, MAX(seq) AS k FROM messages WHERE session_id = ? GROUP BY chat_jid ORDER BY k DESC LIMIT 51`,
  );

  const rows: (string | number)[][] = [];
  const add = (name: string, ms: number[]) => {
    const s = summarize(ms);
    rows.push([name, fmt(s.p50, 2), fmt(s.p99, 2), fmt(s.max, 2)]);
    return s.p99;
  };
  const p99s = [
    add('first page (50)', await timed(REQS, () => store.page(SESSION, null, 50))),
    add('page after 1,500 chats', await timed(REQS, () => store.page(SESSION, deep, 50))),
    add('page 2, 200 chats changed since', await timed(REQS, () => store.page(SESSION, snapshot, 50))),
    add('unread only, first page', await timed(REQS, () => store.page(SESSION, null, 50, true))),
  ];
  add('baseline: GROUP BY over messages', await timed(Math.min(REQS, 20), () => groupBy.all(SESSION)));
  table(['query', 'p50 ms', 'p99 ms', 'max ms'], rows);
  console.log(`target p99 <= 10 ms for every page: ${verdict(p99s.every((p) => p <= 10))}`);
  db.close();
  await ds.destroy();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
