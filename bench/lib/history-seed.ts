import Database from 'better-sqlite3';
import { Client } from 'pg';

/**
 * The message history the history benchmarks seed: `rows` messages over ten sessions (s0 holds 30 %) and the
 * last 180 days, Zipf-like chats (a few very busy, most quiet), 55 % inbound, outbound mostly read. Deterministic
 * (a seeded PRNG), so every run and every engine gets the same rows in the same order.
 */
const SESSION_WEIGHTS = [30, 20, 10, 10, 10, 5, 5, 4, 3, 3];
const CHATS_PER_SESSION = 2000;
const WORDS =
  'halo apa kabar terima kasih pesanan sudah dikirim besok pagi tolong cek invoice harga stok ready'.split(
    ' ',
  );

export const HISTORY_SESSIONS = SESSION_WEIGHTS.map((_, i) => `s${i}`);

/** The columns of each row, in this order. */
export const HISTORY_COLUMNS = [
  'id',
  'session_id',
  'direction',
  'wa_message_id',
  'chat_jid',
  'from_me',
  'sender_jid',
  'sender_phone',
  'push_name',
  'text',
  'request',
  'status',
  'error',
  'source',
  'attempts',
  'created_at',
  'wa_timestamp',
  'sent_at',
  'delivered_at',
  'read_at',
  'failed_at',
  'expires_at',
] as const;

export type HistoryRow = (string | number | boolean | null)[];

function chatJid(i: number): string {
  return `62812${String(i).padStart(7, '0')}@s.whatsapp.net`;
}

/** The rows (columns as HISTORY_COLUMNS; `from_me` a boolean), oldest first, created between `start` and `now`. */
export function* historyRows(rows: number, start: number, now: number): Generator<HistoryRow> {
  const total = SESSION_WEIGHTS.reduce((a, b) => a + b, 0);
  const cumulative = SESSION_WEIGHTS.map(
    (_, i) => SESSION_WEIGHTS.slice(0, i + 1).reduce((a, b) => a + b, 0) / total,
  );
  // mulberry32: a small deterministic PRNG, so every run seeds the same history.
  let rnd = 42;
  const rand = () => {
    rnd = (rnd + 0x6d2b79f5) | 0;
    let t = Math.imul(rnd ^ (rnd >>> 15), 1 | rnd);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = 0; i < rows; i++) {
    const r = rand();
    const session = HISTORY_SESSIONS[cumulative.findIndex((c) => r <= c)];
    const chat = chatJid(Math.floor(CHATS_PER_SESSION * rand() ** 3));
    const inbound = rand() < 0.55;
    const createdAt = Math.floor(start + ((now - start) * i) / rows);
    const words = 3 + Math.floor(rand() * 20);
    let text = '';
    for (let w = 0; w < words; w++) text += WORDS[Math.floor(rand() * WORDS.length)] + ' ';
    const sr = rand();
    const status = inbound
      ? 'received'
      : sr < 0.8
        ? 'read'
        : sr < 0.9
          ? 'delivered'
          : sr < 0.97
            ? 'sent'
            : sr < 0.999
              ? 'failed'
              : 'queued';
    const wa = status === 'queued' ? null : `3EB0${i.toString(16).toUpperCase().padStart(16, '0')}`;
    const ts = Math.floor(createdAt / 1000);
    yield [
      `msg_${i.toString(36).padStart(10, '0')}`,
      session,
      inbound ? 'in' : 'out',
      wa,
      chat,
      !inbound,
      inbound ? chat : null,
      inbound ? chat.split('@')[0] : null,
      inbound ? 'Budi' : null,
      text.trim(),
      inbound ? null : JSON.stringify({ to: chat, content: { type: 'text', text: text.trim() } }),
      status,
      status === 'failed' ? 'rejected by WhatsApp' : null,
      inbound ? 'whatsapp' : 'api',
      inbound ? 0 : 1,
      createdAt,
      wa ? ts : null,
      !inbound && status !== 'queued' && status !== 'failed' ? createdAt + 500 : null,
      status === 'delivered' || status === 'read' ? createdAt + 1500 : null,
      status === 'read' ? createdAt + 60_000 : null,
      status === 'failed' ? createdAt + 500 : null,
      inbound ? null : createdAt + 86_400_000,
    ];
  }
}

export interface SeededHistory {
  seedMs: number;
  /** The oldest and newest rows' `created_at`. */
  start: number;
  now: number;
}

/** Seeds `rows` messages into the gateway's SQLite file (schema in place) with one prepared INSERT, one transaction. */
export function seedSqliteHistory(dbPath: string, rows: number, now = Date.now()): SeededHistory {
  const db = new Database(dbPath);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const start = now - 180 * 86_400_000;
  const insSession = db.prepare(
    `INSERT OR IGNORE INTO sessions (id, status, reason, phone, name, lid, created_at, updated_at) VALUES (?, 'disconnected', NULL, NULL, NULL, NULL, ?, ?)`,
  );
  const ins = db.prepare(
    `INSERT INTO messages (chat_type, type, details, ${HISTORY_COLUMNS.join(', ')})
     VALUES ('direct', 'text', NULL, ${HISTORY_COLUMNS.map(() => '?').join(', ')})`,
  );
  const t0 = performance.now();
  db.transaction(() => {
    for (const s of HISTORY_SESSIONS) insSession.run(s, start, start);
    for (const row of historyRows(rows, start, now))
      ins.run(row.map((v) => (typeof v === 'boolean' ? Number(v) : v)));
  })();
  const seedMs = performance.now() - t0;
  db.close();
  return { seedMs, start, now };
}

const PG_BATCH = 1000; // rows per INSERT: 22,000 parameters, under PostgreSQL's 65,535

/**
 * Seeds the same rows into the gateway's PostgreSQL database (schema in place): multi-row INSERTs of PG_BATCH
 * rows in one transaction, triggers off for the load (session_replication_role = replica: the stats roll-ups
 * are not what the history queries read), then VACUUM (ANALYZE): statistics for the planner, and the table
 * as a long-lived one is (hint bits and visibility map set, no autovacuum pass due).
 */
export async function seedPostgresHistory(
  url: string,
  rows: number,
  now = Date.now(),
): Promise<SeededHistory> {
  const client = new Client({ connectionString: url });
  await client.connect();
  const start = now - 180 * 86_400_000;
  const t0 = performance.now();
  try {
    await client.query('SET session_replication_role = replica');
    await client.query('BEGIN');
    for (const s of HISTORY_SESSIONS)
      await client.query(
        `INSERT INTO sessions (id, status, created_at, updated_at) VALUES ($1, 'disconnected', $2, $2) ON CONFLICT DO NOTHING`,
        [s, start],
      );
    const cols = `chat_type, type, ${HISTORY_COLUMNS.join(', ')}`;
    let values: HistoryRow[] = [];
    const flush = async () => {
      if (!values.length) return;
      const tuples = values.map(
        (_, r) =>
          `('direct', 'text', ${HISTORY_COLUMNS.map((__, c) => `$${r * HISTORY_COLUMNS.length + c + 1}`).join(', ')})`,
      );
      await client.query(`INSERT INTO messages (${cols}) VALUES ${tuples.join(', ')}`, values.flat());
      values = [];
    };
    for (const row of historyRows(rows, start, now)) {
      values.push(row);
      if (values.length === PG_BATCH) await flush();
    }
    await flush();
    await client.query('COMMIT');
    // VACUUM as well: hint bits and the visibility map set now, not by the first reads or an autovacuum pass
    // (triggered by the inserts) while the bench measures.
    await client.query('VACUUM (ANALYZE) messages');
  } finally {
    await client.end();
  }
  return { seedMs: performance.now() - t0, start, now };
}
