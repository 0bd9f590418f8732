import type { DataSource } from 'typeorm';
import { LeaseStore } from '../../src/cluster/leases/lease.store';
import { LeaseTable } from '../../src/cluster/leases/lease-table';
import { NodeIdentity } from '../../src/cluster/node-identity';
import { FencedWrite } from '../../src/cluster/session-fence';
import { AppConfig } from '../../src/config/app-config';
import { openDataSource, postgresOptions } from '../../src/database/open-database';
import { sqlDatabaseFor } from '../../src/database/sql/database-for';
import { FieldCipher } from '../../src/secrets/field-cipher';
import { SqlAuthStateStore } from '../../src/whatsapp/auth-state/sql-auth-state.store';
import { freshPostgresDatabase, TestDatabase } from '../support/postgres';
import { waitUntil } from '../support/wait';

const LEASE_MS = 1500;

/** One gateway node as the fence sees it: its own pool on the shared database, its lease table. */
async function node(url: string, id: string) {
  const dataSource: DataSource = await openDataSource(
    postgresOptions({ engine: 'postgres', url, poolSize: 3, ssl: { mode: 'disable' } }),
  );
  const sql = sqlDatabaseFor(dataSource);
  const config = Object.assign(new AppConfig(), { NODE_ID: id, CLUSTER_LEASE_MS: LEASE_MS });
  const store = new LeaseStore(sql);
  const table = new LeaseTable(sql, store, new NodeIdentity(config, {} as never), config);
  const lost: string[] = [];
  table.onLost = (session) => lost.push(session);
  const take = async (session: string) => {
    const sentAt = performance.now();
    const epoch = await store.claim(session, id, LEASE_MS);
    if (epoch !== null) table.grant(session, epoch, sentAt);
    return epoch;
  };
  const auth = (session: string) => new SqlAuthStateStore(sql, session, FieldCipher.plaintext(), table);
  return { dataSource, store, table, take, auth, lost };
}

/**
 * Medium test on a real PostgreSQL database shared by two nodes (two pools, as two processes): a node whose
 * lease another node took can no longer write the session's credentials or keys, and the new owner's state
 * is what stays.
 */
describe('fencing of auth-state writes by the session lease (PostgreSQL, two nodes)', () => {
  let db: TestDatabase;
  let n1: Awaited<ReturnType<typeof node>>;
  let n2: Awaited<ReturnType<typeof node>>;

  beforeAll(async () => {
    db = await freshPostgresDatabase();
    n1 = await node(db.url, 'n1');
    n2 = await node(db.url, 'n2');
    const now = Date.now();
    await n1.dataSource.query(
      `INSERT INTO sessions (id, status, created_at, updated_at) VALUES ('s1', 'disconnected', $1, $1)`,
      [now],
    );
  });

  afterAll(async () => {
    await n1?.dataSource.destroy();
    await n2?.dataSource.destroy();
    await db?.drop();
  });

  it('refuses the old owner its writes once the session changed hands', async () => {
    expect(await n1.take('s1')).toBe(1);
    // Held: nobody else can take it.
    expect(await n2.take('s1')).toBeNull();
    await n1.auth('s1').writeCreds('{"by":"n1"}');
    await n1.auth('s1').writeKeys(() => [{ type: 'session', id: 'a', value: 'n1-key' }]);
    expect(n1.table.holds('s1')).toBe(true);

    // n1 stops renewing (frozen): once the lease ran out, n2 takes it, with the next epoch.
    const epoch = await waitUntil(() => n2.take('s1'), {
      timeoutMs: 10_000,
      intervalMs: 100,
      what: 'a takeover',
    });
    expect(epoch).toBe(2);
    expect(n1.table.holds('s1')).toBe(false);

    // n1, back, still believes in epoch 1: each write is refused and nothing of it lands.
    await expect(n1.auth('s1').writeCreds('{"by":"n1-late"}')).rejects.toBeInstanceOf(FencedWrite);
    await expect(
      n1.auth('s1').writeKeys(() => [{ type: 'session', id: 'a', value: 'n1-late-key' }]),
    ).rejects.toBeInstanceOf(FencedWrite);
    await expect(n1.auth('s1').clear()).rejects.toBeInstanceOf(FencedWrite);
    await waitUntil(() => n1.lost.includes('s1'), { timeoutMs: 2000, what: 'the lost lease reported' });

    // The new owner writes and reads its own state.
    await n2.auth('s1').writeCreds('{"by":"n2"}');
    expect(await n2.auth('s1').readCreds()).toBe('{"by":"n2"}');
    expect((await n2.auth('s1').readKeys('session', ['a'])).get('a')).toBe('n1-key');
  });

  it('refuses a node that never held the session, and a renewal at a stale epoch', async () => {
    await expect(n1.auth('s1').writeCreds('{"by":"stranger"}')).rejects.toBeInstanceOf(FencedWrite);
    const renewed = await n1.store.renew('n1', [{ sessionId: 's1', epoch: 1 }], LEASE_MS);
    expect(renewed.size).toBe(0);
    const held = await n2.store.renew('n2', [{ sessionId: 's1', epoch: 2 }], LEASE_MS);
    expect([...held]).toEqual(['s1']);
  });

  it('hands a lease over at once (a move) and back only by its new owner', async () => {
    const to = await n2.store.transfer('s1', 'n2', 2, 'n1', LEASE_MS);
    expect(to).toBe(3);
    // The old epoch is gone for n2 as well.
    expect(await n2.store.transfer('s1', 'n2', 2, 'n1', LEASE_MS)).toBeNull();
    const held = await n1.store.held('n1');
    expect(held).toEqual([{ sessionId: 's1', epoch: 3 }]);
  });
});
