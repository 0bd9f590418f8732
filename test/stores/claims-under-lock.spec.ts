import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { openDataSource, postgresOptions } from '../../src/database/open-database';
import { sqlDatabaseFor } from '../../src/database/sql/database-for';
import { all, get, run, Sql, SqlDatabase } from '../../src/database/sql/sql';
import { DeliveryStore } from '../../src/webhooks/delivery.store';
import { OutboxWriter } from '../../src/webhooks/outbox.writer';
import { freshPostgresDatabase, TestDatabase } from '../support/postgres';
import { waitUntil } from '../support/wait';
import { insertAll, messageRow, messageStoreOn } from './support/message-row';
import { addEndpoint, messageEvent, webhookSettings } from './support/webhook-rows';

/**
 * Medium test, PostgreSQL only: a claim by one process while another process's claim of the same rows is still
 * uncommitted. Process A claims, then holds its transaction open (it waits for an advisory lock the test holds);
 * process B's claim is then asked for and blocks on A's row lock; the test lets A commit and checks that B
 * found A's rows taken. (SQLite has one writer at a time: a second process's claim cannot run while a first
 * one is uncommitted; the two-process tests of message-store and delivery-store cover it there.)
 */
describe('claims across PostgreSQL connections while one is uncommitted', () => {
  let database: TestDatabase;
  let a: { dataSource: DataSource; sql: SqlDatabase };
  let b: { dataSource: DataSource; sql: SqlDatabase };
  let gate: Client;
  const LOCK = 4242;

  const open = async () => {
    const dataSource = await openDataSource(
      postgresOptions({ engine: 'postgres', url: database.url, poolSize: 3, ssl: { mode: 'disable' } }),
    );
    return { dataSource, sql: sqlDatabaseFor(dataSource) };
  };
  /** Sessions on this database waiting for a lock another session holds. */
  const blocked = async () =>
    Number(
      (
        await gate.query(
          `SELECT COUNT(*) AS n FROM pg_stat_activity
            WHERE datname = current_database() AND cardinality(pg_blocking_pids(pid)) > 0`,
        )
      ).rows[0].n,
    );

  /** Runs `claim` in A's transaction, kept open until `other` (B's claim) is seen waiting for A. */
  async function claimWhileOpen<T, U>(claim: () => Sql<T>, other: () => Promise<U>): Promise<[T, U]> {
    await gate.query('SELECT pg_advisory_lock($1)', [LOCK]);
    const first = a.sql.write(function* () {
      const claimed = yield* claim();
      yield* get('SELECT pg_advisory_xact_lock(?)', [LOCK]);
      return claimed;
    });
    await waitUntil(async () => (await blocked()) === 1, { what: 'A holding its claim' });
    const second = other();
    await waitUntil(async () => (await blocked()) === 2, { what: 'B waiting for A' });
    await gate.query('SELECT pg_advisory_unlock($1)', [LOCK]);
    return [await first, await second];
  }

  beforeAll(async () => {
    database = await freshPostgresDatabase();
    [a, b] = [await open(), await open()];
    gate = new Client({ connectionString: database.url });
    await gate.connect();
  });
  beforeEach(async () => {
    await a.dataSource.query(
      'TRUNCATE messages, webhook_attempts, webhook_deliveries, webhook_events, webhook_endpoints CASCADE',
    );
  });
  afterAll(async () => {
    await gate?.end();
    await a?.dataSource.destroy();
    await b?.dataSource.destroy();
    await database?.drop();
  });

  it('MessageStore: a claim waiting for an uncommitted claim finds its row taken', async () => {
    const storeA = messageStoreOn(a);
    const storeB = messageStoreOn(b);
    await insertAll(
      storeA,
      Array.from({ length: 4 }, (_, i) => messageRow({ text: `m${i}` })),
    );
    const [taken, next] = await claimWhileOpen(
      () => storeA.claimNext('s1'),
      () => storeB.write(() => storeB.claimNext('s1')),
    );
    expect(taken!.text).toBe('m0');
    // B aimed at the same oldest row, waited for A's lock, then found it no longer queued.
    expect(next).toBeNull();

    const [first, chunk] = await claimWhileOpen(
      () => storeA.claimNext('s1'),
      () => storeB.write(() => storeB.claimChunk('s1', 3, 1_000_000)),
    );
    expect(first!.text).toBe('m1');
    // B's chunk was m1..m3; it gets the two A did not take, each claimed once.
    expect(chunk.map((m) => m.text)).toEqual(['m2', 'm3']);
    const rows = await storeA.repo.find({ order: { seq: 'ASC' } });
    expect(rows.map((m) => [m.status, m.attempts])).toEqual([
      ['sending', 1],
      ['sending', 1],
      ['sending', 1],
      ['sending', 1],
    ]);
  });

  it('DeliveryStore: a claim waiting for an uncommitted claim does not take its deliveries', async () => {
    const store = new DeliveryStore();
    await addEndpoint(a.sql, 'ep_a');
    const outbox = new OutboxWriter(webhookSettings('0,5'), a.sql);
    for (let i = 0; i < 3; i++) await a.sql.write(() => outbox.write(messageEvent()));
    const now = Date.now() + 60_000;
    await a.sql.write(() => run('UPDATE webhook_deliveries SET next_attempt_at = ?', [now - 1]));
    const [byA, byB] = await claimWhileOpen(
      () => store.claim('ep_a', 'w1', now, now + 30_000, 1),
      () => b.sql.write(() => store.claim('ep_a', 'w2', now, now + 30_000, 2)),
    );
    // B aimed at the two oldest, waited for A's lock on the first, and got only the second.
    expect(byA).toHaveLength(1);
    expect(byB).toHaveLength(1);
    expect(byB[0].id).not.toBe(byA[0].id);
    const owners = await a.sql.read(() =>
      all<{ owner: string | null }>('SELECT lease_owner AS owner FROM webhook_deliveries ORDER BY seq'),
    );
    expect(owners.map((r) => r.owner)).toEqual(['w1', 'w2', null]);
  });
});
