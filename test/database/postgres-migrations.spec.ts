import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { POSTGRES_ONLY_TABLES } from '../../src/database/postgres/migrations';
import { migrateUnderLock, postgresDataSourceOptions } from '../../src/database/postgres/postgres-options';
import { freshPostgresDatabase, TestDatabase } from '../support/postgres';

/**
 * Medium test: the PostgreSQL migrations against the SQLite ones, each on a real database: the same tables,
 * columns, keys and indexes, and the same rollup rows from the same writes.
 */
const settings = (url: string) => ({ url, poolSize: 4, ssl: { mode: 'disable' as const } });

/** Runs one statement written with `?` placeholders on either engine. */
function run(ds: DataSource, sql: string, params: unknown[] = []): Promise<unknown> {
  let n = 0;
  return ds.query(ds.options.type === 'postgres' ? sql.replace(/\?/g, () => `$${++n}`) : sql, params);
}

interface Column {
  name: string;
  type: string;
  nullable: boolean;
}
interface Index {
  table: string;
  name: string;
  columns: string[];
  unique: boolean;
  where: string | null;
}
interface Key {
  table: string;
  kind: 'primary' | 'unique';
  columns: string[];
}
interface ForeignKey {
  table: string;
  columns: string[];
  references: string;
  onDelete: string;
}
interface Schema {
  columns: Record<string, Column[]>;
  indexes: Index[];
  keys: Key[];
  foreignKeys: ForeignKey[];
}

const normalizeWhere = (sql: string) =>
  sql
    .replace(/::text/g, '')
    .replace(/["()]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
const byName = <T extends { table: string }>(a: T, b: T) =>
  JSON.stringify(a) < JSON.stringify(b) ? -1 : JSON.stringify(a) > JSON.stringify(b) ? 1 : 0;

async function sqliteSchema(ds: DataSource): Promise<Schema> {
  const tables: { name: string }[] = await ds.query(
    `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`,
  );
  const schema: Schema = { columns: {}, indexes: [], keys: [], foreignKeys: [] };
  for (const { name: table } of tables) {
    const info: { name: string; type: string; notnull: number; pk: number }[] = await ds.query(
      `PRAGMA table_info("${table}")`,
    );
    schema.columns[table] = info.map((c) => ({
      name: c.name,
      type: c.type.toLowerCase(),
      nullable: !c.notnull,
    }));
    const pk = info.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk);
    schema.keys.push({ table, kind: 'primary', columns: pk.map((c) => c.name) });
    const list: { name: string; unique: number; origin: string; partial: number }[] = await ds.query(
      `PRAGMA index_list("${table}")`,
    );
    for (const index of list) {
      const columns = ((await ds.query(`PRAGMA index_info("${index.name}")`)) as { name: string }[]).map(
        (c) => c.name,
      );
      if (index.origin === 'u') schema.keys.push({ table, kind: 'unique', columns });
      if (index.origin !== 'c') continue;
      const [{ sql }] = (await ds.query(`SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?`, [
        index.name,
      ])) as { sql: string }[];
      const where = / WHERE (.*)$/is.exec(sql)?.[1];
      schema.indexes.push({
        table,
        name: index.name,
        columns,
        unique: !!index.unique,
        where: where ? normalizeWhere(where) : null,
      });
    }
    const fks: { table: string; from: string; on_delete: string }[] = await ds.query(
      `PRAGMA foreign_key_list("${table}")`,
    );
    for (const fk of fks) {
      schema.foreignKeys.push({ table, columns: [fk.from], references: fk.table, onDelete: fk.on_delete });
    }
  }
  schema.indexes.sort(byName);
  schema.keys.sort(byName);
  schema.foreignKeys.sort(byName);
  return schema;
}

/** PostgreSQL's schema but its POSTGRES_ONLY_TABLES (checked on their own below). */
async function postgresSchema(ds: DataSource): Promise<Schema> {
  const schema = await wholePostgresSchema(ds);
  const shared = <T extends { table: string }>(list: T[]) =>
    list.filter((x) => !POSTGRES_ONLY_TABLES.includes(x.table));
  for (const table of POSTGRES_ONLY_TABLES) delete schema.columns[table];
  return {
    columns: schema.columns,
    indexes: shared(schema.indexes),
    keys: shared(schema.keys),
    foreignKeys: shared(schema.foreignKeys),
  };
}

async function wholePostgresSchema(ds: DataSource): Promise<Schema> {
  const schema: Schema = { columns: {}, indexes: [], keys: [], foreignKeys: [] };
  const columns: { table_name: string; column_name: string; data_type: string; is_nullable: string }[] =
    await ds.query(`SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
      WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`);
  for (const c of columns) {
    (schema.columns[c.table_name] ??= []).push({
      name: c.column_name,
      type: c.data_type,
      nullable: c.is_nullable === 'YES',
    });
  }
  const indexes: { table: string; name: string; columns: string[]; unique: boolean; where: string | null }[] =
    await ds.query(`SELECT t.relname AS "table", i.relname AS name, x.indisunique AS unique,
        pg_get_expr(x.indpred, x.indrelid) AS "where",
        ARRAY(SELECT a.attname FROM unnest(x.indkey) WITH ORDINALITY AS k(attnum, n)
          JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum ORDER BY k.n)::text[] AS columns
      FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
      JOIN pg_namespace s ON s.oid = t.relnamespace
      WHERE s.nspname = 'public' AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)`);
  schema.indexes = indexes
    .map((i) => ({ ...i, where: i.where ? normalizeWhere(i.where) : null }))
    .sort(byName);
  const constraints: {
    table: string;
    type: string;
    columns: string[];
    references: string | null;
    del: string;
  }[] =
    await ds.query(`SELECT t.relname AS "table", c.contype AS type, r.relname AS "references", c.confdeltype AS del,
        ARRAY(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, n)
          JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.n)::text[] AS columns
      FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid LEFT JOIN pg_class r ON r.oid = c.confrelid
      JOIN pg_namespace s ON s.oid = t.relnamespace
      WHERE s.nspname = 'public' AND c.contype IN ('p', 'u', 'f')`);
  for (const c of constraints) {
    if (c.type === 'f') {
      const onDelete = { c: 'CASCADE', a: 'NO ACTION', r: 'RESTRICT', n: 'SET NULL', d: 'SET DEFAULT' }[
        c.del
      ]!;
      schema.foreignKeys.push({ table: c.table, columns: c.columns, references: c.references!, onDelete });
    } else
      schema.keys.push({ table: c.table, kind: c.type === 'p' ? 'primary' : 'unique', columns: c.columns });
  }
  schema.keys.sort(byName);
  schema.foreignKeys.sort(byName);
  return schema;
}

/** SQLite's declared type of a column, as PostgreSQL's `data_type` may be. */
const EQUIVALENT_TYPES: Record<string, string[]> = {
  integer: ['integer', 'bigint'],
  bigint: ['bigint'],
  text: ['text'],
  varchar: ['character varying'],
  boolean: ['boolean'],
};

describe('PostgreSQL migrations, against SQLite', () => {
  let dir: string;
  let sqlite: DataSource;
  let db: TestDatabase;
  let postgres: DataSource;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-migrations-'));
    sqlite = await new DataSource(dataSourceOptions(path.join(dir, 'gateway.db'))).initialize();
    db = await freshPostgresDatabase();
    postgres = await new DataSource(postgresDataSourceOptions(settings(db.url))).initialize();
    await migrateUnderLock(postgres);
  });

  afterAll(async () => {
    await sqlite?.destroy();
    await postgres?.destroy();
    await db?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('create the same tables and columns, in the same order, with the same nullability', async () => {
    const lite = await sqliteSchema(sqlite);
    const pg = await postgresSchema(postgres);
    expect(Object.keys(pg.columns).sort()).toEqual(Object.keys(lite.columns).sort());
    for (const [table, columns] of Object.entries(lite.columns)) {
      const strip = (cs: Column[]) => cs.map(({ name, nullable }) => ({ name, nullable }));
      expect({ table, columns: strip(pg.columns[table]) }).toEqual({ table, columns: strip(columns) });
    }
    const mismatched = Object.entries(lite.columns).flatMap(([table, columns]) =>
      columns.flatMap((column, i) =>
        EQUIVALENT_TYPES[column.type]?.includes(pg.columns[table][i].type)
          ? []
          : [`${table}.${column.name}: ${column.type} / ${pg.columns[table][i].type}`],
      ),
    );
    expect(mismatched).toEqual([]);
  });

  it('store millisecond times and sequence numbers as bigint', async () => {
    const pg = await postgresSchema(postgres);
    const wide = Object.entries(pg.columns).flatMap(([table, columns]) =>
      columns
        .filter((c) => /_at$|^seq$|^start$|^wa_timestamp$|^timestamp$|^failing_since$/.test(c.name))
        .map((c) => `${table}.${c.name} ${c.type}`),
    );
    expect(wide.length).toBeGreaterThan(30);
    expect(wide.filter((c) => !c.endsWith(' bigint'))).toEqual([]);
  });

  it('create the same indexes, keys and foreign keys', async () => {
    const lite = await sqliteSchema(sqlite);
    const pg = await postgresSchema(postgres);
    expect(lite.indexes.length).toBeGreaterThan(10);
    expect(lite.keys.filter((k) => k.kind === 'unique').length).toBeGreaterThanOrEqual(4);
    expect(lite.foreignKeys.length).toBeGreaterThanOrEqual(3);
    expect(pg.indexes).toEqual(lite.indexes);
    expect(pg.keys).toEqual(lite.keys);
    expect(pg.foreignKeys).toEqual(lite.foreignKeys);
  });

  it('add only the Socket.IO adapter table of their own', async () => {
    const whole = await wholePostgresSchema(postgres);
    const lite = await sqliteSchema(sqlite);
    expect(Object.keys(whole.columns).filter((t) => !(t in lite.columns))).toEqual([...POSTGRES_ONLY_TABLES]);
    // The columns @socket.io/postgres-adapter reads and writes.
    expect(whole.columns.socket_io_attachments.map((c) => `${c.name} ${c.type}`)).toEqual([
      'id bigint',
      'created_at timestamp with time zone',
      'payload bytea',
    ]);
  });

  it('seed the same auto-reply rule', async () => {
    const columns = `id, name, "match", pattern, case_sensitive, reply, sessions, chat_types, priority, enabled,
      cooldown_seconds`;
    const lite = await sqlite.query(`SELECT ${columns} FROM auto_reply_rules`);
    const pg = await postgres.query(`SELECT ${columns} FROM auto_reply_rules`);
    const asBool = (rows: Record<string, unknown>[]) =>
      rows.map((r) => ({ ...r, case_sensitive: !!r.case_sensitive, enabled: !!r.enabled }));
    expect(asBool(pg)).toEqual(asBool(lite));
    expect(pg).toHaveLength(1);
  });
});

/** The same writes on either engine: every path that moves a rollup count, and some that must not. */
async function writeEverything(ds: DataSource): Promise<void> {
  const T0 = Date.parse('2026-11-10T00:00:00Z');
  const H = 3_600_000;
  let n = 0;
  const message = (session: string, direction: string, status: string, createdAt: number) =>
    run(
      ds,
      `INSERT INTO messages (id, session_id, direction, chat_jid, chat_type, type, status, source, created_at)
       VALUES (?, ?, ?, '628111@s.whatsapp.net', 'user', 'text', ?, 'api', ?)`,
      [`msg_${++n}`, session, direction, status, createdAt],
    );
  await message('alpha', 'in', 'received', T0);
  await message('alpha', 'in', 'received', T0 + H - 1); // the last millisecond of the first hour
  await message('alpha', 'out', 'queued', T0 + H); // the first of the next
  await message('alpha', 'out', 'queued', T0 + 24 * H - 1);
  await message('alpha', 'out', 'queued', T0 + 24 * H); // the next day
  await message('beta', 'out', 'sent', T0 + 5);
  await message('beta', 'out', 'failed', T0 + 6);
  await message('beta', 'in', 'received', 1_700_000_000_123); // an older day
  // One statement, several rows; then a row that changes twice; an update to the same status (no move).
  await run(ds, `UPDATE messages SET status = 'sending' WHERE status = 'queued'`);
  await run(ds, `UPDATE messages SET status = 'sent', sent_at = ? WHERE id = ?`, [T0 + H + 1, 'msg_3']);
  await run(ds, `UPDATE messages SET status = 'delivered' WHERE id = ?`, ['msg_3']);
  await run(ds, `UPDATE messages SET status = 'sent' WHERE id = ?`, ['msg_6']);
  // Columns outside the rollup key, and a rollup key column set to its own value.
  await run(ds, `UPDATE messages SET text = 'hello', attempts = attempts + 1, created_at = created_at`);
  // The key moves: another hour, another session, another direction.
  await run(ds, `UPDATE messages SET created_at = ? WHERE id = ?`, [T0 + 2 * H, 'msg_4']);
  await run(ds, `UPDATE messages SET session_id = 'gamma' WHERE id = ?`, ['msg_7']);
  await run(ds, `UPDATE messages SET direction = 'out' WHERE id = ?`, ['msg_8']);
  // An upsert that updates (an UPDATE), one that inserts, one that does nothing.
  const upsert = `INSERT INTO messages (id, session_id, direction, chat_jid, chat_type, type, status, source,
      created_at) VALUES (?, 'alpha', 'out', 'x@s.whatsapp.net', 'user', 'text', ?, 'api', ?)`;
  await run(ds, `${upsert} ON CONFLICT (id) DO UPDATE SET status = excluded.status`, ['msg_5', 'read', T0]);
  await run(ds, `${upsert} ON CONFLICT (id) DO UPDATE SET status = excluded.status`, [
    'msg_new',
    'queued',
    T0,
  ]);
  await run(ds, `${upsert} ON CONFLICT (id) DO NOTHING`, ['msg_1', 'failed', T0]);
  await run(ds, `DELETE FROM messages WHERE id IN (?, ?)`, ['msg_2', 'msg_new']);

  await run(
    ds,
    `INSERT INTO webhook_endpoints (id, url, events, secret, created_at, updated_at)
     VALUES ('ep1', 'http://127.0.0.1:9/a', '["*"]', 's', 0, 0), ('ep2', 'http://127.0.0.1:9/b', '["*"]', 's', 0, 0)`,
  );
  for (const [i, createdAt] of [T0, T0 + 1, T0 + H, T0 + 30 * H].entries()) {
    await run(
      ds,
      `INSERT INTO webhook_events (id, type, payload, created_at) VALUES (?, 'message', '{}', ?)`,
      [`evt_${i}`, createdAt],
    );
    for (const endpoint of ['ep1', 'ep2']) {
      await run(
        ds,
        `INSERT INTO webhook_deliveries (id, event_id, endpoint_id, event_type, status, next_attempt_at,
           created_at, updated_at) VALUES (?, ?, ?, 'message', 'pending', ?, ?, ?)`,
        [`dlv_${i}_${endpoint}`, `evt_${i}`, endpoint, createdAt, createdAt, createdAt],
      );
    }
  }
  await run(ds, `UPDATE webhook_deliveries SET status = 'delivered' WHERE endpoint_id = 'ep1'`);
  await run(ds, `UPDATE webhook_deliveries SET status = 'failed', attempts = 3 WHERE id = 'dlv_1_ep2'`);
  await run(ds, `UPDATE webhook_deliveries SET lease_owner = 'w1', status = status WHERE id = 'dlv_0_ep2'`);
  await run(ds, `UPDATE webhook_deliveries SET created_at = ? WHERE id = 'dlv_2_ep2'`, [T0 + 50 * H]);

  const durations = [0, 10, 11, 25, 26, 99, 250, 1000, 2500, 5000, 9999, 10000, 10001, 60000];
  for (const [i, duration] of durations.entries()) {
    const delivery = `dlv_${i % 4}_${i % 3 ? 'ep1' : 'ep2'}`;
    await run(
      ds,
      `INSERT INTO webhook_attempts (delivery_id, attempt, started_at, duration_ms, status_code, success)
       VALUES (?, ?, ?, ?, ?, ${i % 2 ? 'TRUE' : 'FALSE'})`,
      [delivery, i + 1, T0 + i * 7 * 60_000, duration, i % 2 ? 200 : 500],
    );
  }
  await run(ds, `DELETE FROM webhook_attempts WHERE duration_ms = 26`);
  // A deleted event takes its deliveries and their attempts with it (ON DELETE CASCADE): their rows leave too.
  await run(ds, `DELETE FROM webhook_events WHERE id = 'evt_3'`);
}

const ROLLUPS = {
  message_stats: 'size, start, session_id, direction, status',
  webhook_delivery_stats: 'size, start, status',
  webhook_attempt_stats: 'size, start, latency_bucket',
};

describe('PostgreSQL stats rollup triggers, against SQLite', () => {
  let dir: string;
  let sqlite: DataSource;
  let db: TestDatabase;
  let postgres: DataSource;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-rollups-'));
    sqlite = await new DataSource(dataSourceOptions(path.join(dir, 'gateway.db'))).initialize();
    db = await freshPostgresDatabase();
    postgres = await new DataSource(postgresDataSourceOptions(settings(db.url))).initialize();
    await migrateUnderLock(postgres);
    await writeEverything(sqlite);
    await writeEverything(postgres);
  });

  afterAll(async () => {
    await sqlite?.destroy();
    await postgres?.destroy();
    await db?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it.each(Object.entries(ROLLUPS))('%s holds the same rows', async (table, key) => {
    const lite = await sqlite.query(`SELECT * FROM ${table} ORDER BY ${key}`);
    const pg = await postgres.query(`SELECT * FROM ${table} ORDER BY ${key}`);
    expect(lite.length).toBeGreaterThan(5);
    expect(pg).toEqual(lite);
  });

  it('keeps message_stats equal to a count of the messages themselves', async () => {
    const groups = `SELECT s.size, m.created_at - m.created_at % s.size AS start, m.session_id, m.direction,
        m.status, COUNT(*) AS count
      FROM messages m CROSS JOIN (SELECT 3600000 AS size UNION ALL SELECT 86400000) s GROUP BY 1, 2, 3, 4, 5`;
    const pg = await postgres.query(
      `SELECT * FROM message_stats WHERE count <> 0 ORDER BY ${ROLLUPS.message_stats}`,
    );
    expect(pg).toEqual(await postgres.query(`${groups} ORDER BY ${ROLLUPS.message_stats}`));
    expect(pg.length).toBeGreaterThan(5);
  });

  it('reads bigint columns as numbers', async () => {
    const [row] = await postgres.query(
      `SELECT seq, created_at, COUNT(*) OVER () AS total FROM messages LIMIT 1`,
    );
    expect(typeof row.seq).toBe('number');
    expect(typeof row.created_at).toBe('number');
    expect(typeof row.total).toBe('number');
  });
});
