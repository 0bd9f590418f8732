import { CLUSTER_STATE_TABLES } from '../../src/database/postgres/migrations';
import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { CountMismatch, MigrationRefused } from '../../src/database/migrate-to-postgres/migration-errors';
import { migrateToPostgres } from '../../src/database/migrate-to-postgres/migrate-to-postgres';
import { migrateUnderLock, postgresDataSourceOptions } from '../../src/database/postgres/postgres-options';
import { freshPostgresDatabase, TestDatabase } from '../support/postgres';
import { tempDir } from '../support/test-app';

/**
 * Medium test: a SQLite database built by the real migrations, with rows in every table, copied into a real
 * PostgreSQL database and compared row by row.
 */
type Row = Record<string, unknown>;

function insert(db: Database.Database, table: string, row: Row): void {
  const columns = Object.keys(row);
  db.prepare(
    `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
  ).run(...columns.map((c) => row[c] as never));
}

const T0 = 1_764_000_000_000;
const UNICODE = 'Selamat pagi 🌅 — ünïcødé, 中文, עברית, "quotes" \'apostrophes\' \\ backslash';

/** A gateway database at the latest migration with rows in every table; returns its file. */
async function buildSource(): Promise<string> {
  const file = path.join(tempDir('gw-migrate-'), 'app.db');
  await (await new DataSource(dataSourceOptions(file)).initialize()).destroy();
  const db = new Database(file);
  try {
    insert(db, 'sessions', {
      id: 'default',
      status: 'connected',
      reason: null,
      phone: '628111',
      name: UNICODE,
      lid: '123@lid',
      created_at: T0,
      updated_at: T0 + 1,
      stopped: 0,
    });
    insert(db, 'sessions', {
      id: 'kantor',
      status: 'stopped',
      reason: 'stopped by the API',
      phone: null,
      name: null,
      lid: null,
      created_at: T0,
      updated_at: T0,
      stopped: 1,
    });
    insert(db, 'auth_creds', {
      session_id: 'default',
      value: 'enc:v1:k1:' + 'A'.repeat(4000),
      updated_at: T0,
    });
    for (let i = 0; i < 2345; i++)
      insert(db, 'auth_keys', {
        session_id: 'default',
        type: i % 3 ? 'pre-key' : 'session',
        id: `${i}`,
        value: `enc:v1:k1:${i}:${'x'.repeat(200)}`,
      });
    insert(db, 'auth_keys', {
      session_id: 'kantor',
      type: 'app-state-sync-key',
      id: 'AAAA/+==',
      value: UNICODE,
    });
    const statuses = ['queued', 'sent', 'delivered', 'read', 'failed', 'received'];
    for (let i = 1; i <= 40; i++) {
      const out = i % 2 === 0;
      insert(db, 'messages', {
        id: `msg_${i}`,
        session_id: i % 5 ? 'default' : 'kantor',
        direction: out ? 'out' : 'in',
        wa_message_id: i % 7 ? `WA${i}` : null,
        chat_jid: `62812${i}@s.whatsapp.net`,
        chat_type: 'direct',
        from_me: out ? 1 : 0,
        sender_jid: null,
        sender_phone: out ? null : '62812',
        sender_lid: null,
        push_name: out ? null : UNICODE,
        type: 'text',
        text: i === 3 ? UNICODE : `text ${i}`,
        quoted_message_id: null,
        details: i === 4 ? JSON.stringify({ caption: UNICODE }) : null,
        request: out ? JSON.stringify({ to: '62812', text: 'x' }) : null,
        wa_payload: null,
        status: statuses[i % statuses.length],
        error: i % 6 === 4 ? 'not on WhatsApp' : null,
        source: 'api',
        rule_id: null,
        idempotency_key: i === 2 ? 'idem-2' : null,
        attempts: i % 3,
        created_at: T0 + i * 3_600_000,
        wa_timestamp: out ? null : T0 + i,
        sent_at: null,
        delivered_at: null,
        read_at: null,
        failed_at: null,
        expires_at: i === 2 ? T0 + 10 ** 9 : null,
      });
    }
    // Deleted rows: AUTOINCREMENT never gives their seq again, nor may PostgreSQL.
    db.prepare(`DELETE FROM messages WHERE seq > 38`).run();
    insert(db, 'webhook_endpoints', {
      id: 'ep_1',
      url: 'https://example.test/hook',
      description: UNICODE,
      events: '["message.received"]',
      headers: 'enc:v1:k1:hdr',
      enabled: 1,
      is_default: 0,
      secret: 'enc:v1:k1:secret',
      previous_secret: null,
      previous_secret_expires_at: null,
      disabled_reason: null,
      disabled_at: null,
      failing_since: null,
      created_at: T0,
      updated_at: T0,
    });
    insert(db, 'webhook_endpoints', {
      id: 'ep_2',
      url: 'https://example.test/off',
      description: '',
      events: '["*"]',
      headers: '{}',
      enabled: 0,
      is_default: 1,
      secret: 'plain',
      previous_secret: 'old',
      previous_secret_expires_at: T0 + 5,
      disabled_reason: 'gone',
      disabled_at: T0 + 6,
      failing_since: T0 + 7,
      created_at: T0,
      updated_at: T0,
    });
    for (let i = 1; i <= 12; i++) {
      insert(db, 'webhook_events', {
        id: `evt_${i}`,
        type: 'message.received',
        session: i % 2 ? 'default' : null,
        payload: JSON.stringify({ text: UNICODE, i }),
        created_at: T0 + i * 60_000,
      });
      insert(db, 'webhook_deliveries', {
        id: `dlv_${i}`,
        event_id: `evt_${i}`,
        endpoint_id: i % 2 ? 'ep_1' : 'ep_2',
        event_type: 'message.received',
        status: i % 3 ? 'delivered' : 'pending',
        attempts: 1,
        run_attempts: 1,
        run_limit: i % 4 ? null : 3,
        next_attempt_at: T0 + i,
        lease_owner: null,
        last_status_code: 200,
        last_error: null,
        created_at: T0 + i * 60_000,
        updated_at: T0 + i,
        delivered_at: i % 3 ? T0 + i : null,
      });
      insert(db, 'webhook_attempts', {
        delivery_id: `dlv_${i}`,
        attempt: 1,
        started_at: T0 + i * 60_000,
        duration_ms: i * 37,
        status_code: i % 3 ? 200 : null,
        response: i % 3 ? 'ok' : null,
        error: i % 3 ? null : 'ECONNREFUSED',
        success: i % 3 ? 1 : 0,
      });
    }
    insert(db, 'inbound_webhooks', {
      id: 'in_1',
      from: '62812',
      message: UNICODE,
      timestamp: null,
      verified_by: 'signature',
      received_at: T0,
    });
    db.prepare(`UPDATE auto_reply_rules SET reply = ?, enabled = 0 WHERE id = 'rule_default_ping'`).run(
      UNICODE,
    );
    insert(db, 'auto_reply_rules', {
      id: 'rule_2',
      name: 'Halo',
      match: 'contains',
      pattern: 'halo',
      case_sensitive: 1,
      reply: 'Halo juga 👋',
      sessions: '["default"]',
      chat_types: '["direct"]',
      priority: 10,
      enabled: 1,
      cooldown_seconds: 60,
      created_at: T0,
      updated_at: T0,
    });
    insert(db, 'media_files', {
      message_id: 'msg_in_media',
      session_id: 'default',
      status: 'available',
      reason: null,
      error: null,
      download: 'enc:v1:k1:media-ref',
      storage_key: 'default/msg_in_media',
      size: 5_000_000_000,
      sha256: 'ab'.repeat(32),
      attempts: 1,
      created_at: T0,
      stored_at: T0 + 1,
    });
    insert(db, 'media_files', {
      message_id: 'msg_in_pending',
      session_id: 'default',
      status: 'pending',
      reason: null,
      error: null,
      download: '{"directPath":"/v/t62"}',
      storage_key: null,
      size: null,
      sha256: null,
      attempts: 0,
      created_at: T0 + 2,
      stored_at: null,
    });
    insert(db, 'contacts', {
      seq: 7,
      session_id: 'default',
      phone: '6281234567890',
      lid: '200000000000001@lid',
      name: 'Budi Kantor',
      push_name: 'Budi 🛵',
      verified_name: null,
      created_at: T0,
      updated_at: T0 + 3,
    });
    insert(db, 'contacts', {
      seq: 9,
      session_id: 'default',
      phone: null,
      lid: '200000000000002@lid',
      name: null,
      push_name: 'Lina',
      verified_name: null,
      created_at: T0 + 4,
      updated_at: T0 + 4,
    });
    insert(db, 'message_receipts', {
      message_id: 'msg_out_group',
      participant: '6281234567890@s.whatsapp.net',
      delivered_at: T0,
      read_at: T0 + 5,
    });
    insert(db, 'message_receipts', {
      message_id: 'msg_out_group',
      participant: '6281234567891@s.whatsapp.net',
      delivered_at: T0 + 1,
      read_at: null,
    });
  } finally {
    db.close();
  }
  return file;
}

const settings = (url: string) => ({ url, ssl: { mode: 'disable' as const } });

async function pgQuery<T = Row>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

describe('npm run db:migrate-to-postgres (migrateToPostgres)', () => {
  let source: string;
  const databases: TestDatabase[] = [];
  const fresh = async () => {
    const db = await freshPostgresDatabase();
    databases.push(db);
    return db.url;
  };
  beforeAll(async () => {
    source = await buildSource();
  });
  afterAll(async () => {
    for (const db of databases) await db.drop();
  });

  it('copies every table row by row: booleans as booleans, nulls, unicode, big key sets, rollups counted once', async () => {
    const url = await fresh();
    const counts = await migrateToPostgres({ from: source, to: settings(url), batchSize: 500 });

    const db = new Database(source, { readonly: true });
    try {
      const tables = db
        .prepare(
          `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'migrations' ORDER BY name`,
        )
        .pluck()
        .all() as string[];
      // The cluster's live state (nodes, leases) is not copied: it is never data of a SQLite gateway.
      expect(tables).toEqual(expect.arrayContaining([...CLUSTER_STATE_TABLES]));
      const copied = tables.filter((t) => !CLUSTER_STATE_TABLES.includes(t));
      expect(counts.map((c) => c.table).sort()).toEqual(copied);
      const booleans = new Set(
        (
          await pgQuery<{ t: string; c: string }>(
            url,
            `SELECT table_name AS t, column_name AS c FROM information_schema.columns WHERE table_schema = 'public' AND data_type = 'boolean'`,
          )
        ).map((r) => `${r.t}.${r.c}`),
      );
      expect(booleans.size).toBeGreaterThanOrEqual(7);
      for (const table of copied) {
        const info = db.prepare(`PRAGMA table_info("${table}")`).all() as {
          name: string;
          pk: number;
          type: string;
        }[];
        const order = info
          .filter((c) => c.pk > 0)
          .sort((a, b) => a.pk - b.pk)
          .map((c) => `"${c.name}"`)
          .join(', ');
        const columns = info.map((c) => `"${c.name}"`).join(', ');
        // Byte order on both sides, as SQLite's default collation.
        const pgOrder = info
          .filter((c) => c.pk > 0)
          .sort((a, b) => a.pk - b.pk)
          .map((c) => `"${c.name}"${c.type.toLowerCase() === 'text' ? ' COLLATE "C"' : ''}`)
          .join(', ');
        const expected = (
          db.prepare(`SELECT ${columns} FROM "${table}" ORDER BY ${order}`).all() as Row[]
        ).map((row) =>
          Object.fromEntries(
            Object.entries(row).map(([k, v]) => [
              k,
              booleans.has(`${table}.${k}`) && v != null ? v === 1 : v,
            ]),
          ),
        );
        expect([table, expected.length > 0]).toEqual([table, true]); // every table is exercised
        const actual = await pgQuery(url, `SELECT ${columns} FROM "${table}" ORDER BY ${pgOrder}`);
        expect([table, actual]).toEqual([table, expected]);
        expect(counts.find((c) => c.table === table)).toEqual({
          table,
          source: expected.length,
          copied: expected.length,
        });
      }
    } finally {
      db.close();
    }

    // The identity sequences continue past the copied values (and past SQLite's deleted ones).
    const [{ seq }] = await pgQuery<{ seq: number }>(
      url,
      `INSERT INTO messages (id, session_id, direction, chat_jid, chat_type, type, status, source, created_at)
        VALUES ('msg_new', 'default', 'out', 'x@s.whatsapp.net', 'direct', 'text', 'queued', 'api', $1) RETURNING seq`,
      [T0],
    );
    expect(seq).toBe(41);
    const [{ seq: eventSeq }] = await pgQuery<{ seq: number }>(
      url,
      `INSERT INTO webhook_events (id, type, payload, created_at) VALUES ('evt_new', 't', '{}', 1) RETURNING seq`,
    );
    expect(eventSeq).toBe(13);
    // ... and the triggers keep counting from SQLite's rollups.
    const [{ count }] = await pgQuery<{ count: number }>(
      url,
      `SELECT count FROM message_stats WHERE size = 3600000 AND start = $1 AND session_id = 'default' AND status = 'queued'`,
      [T0],
    );
    expect(count).toBe(1);
  });

  it('refuses a target that holds data, and leaves it as it was', async () => {
    const url = await fresh();
    await migrateToPostgres({ from: source, to: settings(url) });
    await pgQuery(url, `DELETE FROM auth_keys WHERE session_id = 'kantor'`);
    const before = await pgQuery(url, 'SELECT COUNT(*)::int AS n FROM auth_keys');

    const again = migrateToPostgres({ from: source, to: settings(url) });
    await expect(again).rejects.toBeInstanceOf(MigrationRefused);
    await expect(again).rejects.toThrow(/The target database is not empty \(.*sessions: 2 row\(s\)/);
    expect(await pgQuery(url, 'SELECT COUNT(*)::int AS n FROM auth_keys')).toEqual(before);
  });

  it("takes a target already migrated (only the migrations' own seed rule in it), keeping the source's version of that rule", async () => {
    const url = await fresh();
    const ds = await new DataSource(
      postgresDataSourceOptions({ ...settings(url), poolSize: 2 }),
    ).initialize();
    await migrateUnderLock(ds);
    await ds.destroy();
    const counts = await migrateToPostgres({ from: source, to: settings(url) });
    expect(counts.find((c) => c.table === 'auto_reply_rules')).toEqual({
      table: 'auto_reply_rules',
      source: 2,
      copied: 2,
    });
    const [rule] = await pgQuery(
      url,
      `SELECT reply, enabled FROM auto_reply_rules WHERE id = 'rule_default_ping'`,
    );
    expect(rule).toEqual({ reply: UNICODE, enabled: false });
  });

  it('copies all or nothing: a row PostgreSQL refuses rolls back every table, and the target stays usable', async () => {
    const url = await fresh();
    const broken = path.join(tempDir('gw-migrate-'), 'app.db');
    fs.copyFileSync(source, broken);
    const db = new Database(broken);
    // PostgreSQL's text cannot hold NUL; SQLite's can. Messages are copied after sessions and auth keys.
    db.prepare(`UPDATE messages SET text = 'a' || char(0) || 'b' WHERE id = 'msg_30'`).run();
    db.close();

    await expect(migrateToPostgres({ from: broken, to: settings(url) })).rejects.toThrow(
      /Cannot use the PostgreSQL database of DATABASE_URL \(postgres:\/\/postgres:\*\*\*@.*0x00/,
    );
    const left = await pgQuery<{ n: number }>(
      url,
      `SELECT (SELECT COUNT(*) FROM sessions) + (SELECT COUNT(*) FROM auth_keys) + (SELECT COUNT(*) FROM messages)
        + (SELECT COUNT(*) FROM message_stats) AS n`,
    );
    expect(left).toEqual([{ n: 0 }]);
    expect((await migrateToPostgres({ from: source, to: settings(url) })).length).toBeGreaterThan(10);
  });

  it('rolls back when a count differs after the copy (a trigger writing a table copied earlier)', async () => {
    const url = await fresh();
    const ds = await new DataSource(
      postgresDataSourceOptions({ ...settings(url), poolSize: 2 }),
    ).initialize();
    await migrateUnderLock(ds);
    await ds.destroy();
    // As a rollup added later and not emptied before its copy would: inbound_webhooks is copied before sessions.
    await pgQuery(
      url,
      `CREATE FUNCTION extra_row() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
        INSERT INTO inbound_webhooks (seq, id, "from", message, verified_by, received_at)
          SELECT MAX(seq) + 1, 'extra_' || NEW.id, 'x', 'x', 'x', 0 FROM inbound_webhooks;
        RETURN NULL; END $$`,
    );
    await pgQuery(
      url,
      `CREATE TRIGGER extra AFTER INSERT ON sessions FOR EACH ROW EXECUTE FUNCTION extra_row()`,
    );

    const copy = migrateToPostgres({ from: source, to: settings(url) });
    await expect(copy).rejects.toBeInstanceOf(CountMismatch);
    await expect(copy).rejects.toThrow('inbound_webhooks: 1 in the source, 3 copied');
    expect(await pgQuery(url, 'SELECT COUNT(*)::int AS n FROM sessions')).toEqual([{ n: 0 }]);
    expect(await pgQuery(url, 'SELECT COUNT(*)::int AS n FROM inbound_webhooks')).toEqual([{ n: 0 }]);
  });

  it("refuses a SQLite file that is not at this version's schema, before touching the target", async () => {
    const url = await fresh();
    const older = path.join(tempDir('gw-migrate-'), 'app.db');
    fs.copyFileSync(source, older);
    const db = new Database(older);
    db.prepare(`DELETE FROM migrations WHERE name = 'StatsRollups1764000007000'`).run();
    db.close();
    await expect(migrateToPostgres({ from: older, to: settings(url) })).rejects.toThrow(
      /is not at the latest schema \(1 migration\(s\) pending\): start this version of the gateway on it once/,
    );
    const newer = new Database(older);
    newer.prepare(`INSERT INTO migrations (timestamp, name) VALUES (1, 'StatsRollups1764000007000')`).run();
    newer.prepare(`INSERT INTO migrations (timestamp, name) VALUES (2, 'Later1999000000000')`).run();
    newer.close();
    await expect(migrateToPostgres({ from: older, to: settings(url) })).rejects.toThrow(
      /was migrated by a newer version of the gateway \(Later1999000000000\)/,
    );
    expect(
      await pgQuery(url, `SELECT 1 FROM information_schema.tables WHERE table_name = 'messages'`),
    ).toEqual([]);
  });

  it('refuses a SQLite database a gateway has open', async () => {
    const url = await fresh();
    const ds = await new DataSource(dataSourceOptions(source)).initialize();
    try {
      await expect(migrateToPostgres({ from: source, to: settings(url) })).rejects.toThrow(
        /is in use: stop the gateway/,
      );
    } finally {
      await ds.destroy();
    }
    expect(
      await pgQuery(url, `SELECT 1 FROM information_schema.tables WHERE table_name = 'messages'`),
    ).toEqual([]);
  });
});
