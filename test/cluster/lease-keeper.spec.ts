import { EventEmitter2 } from '@nestjs/event-emitter';
import type { DataSource } from 'typeorm';
import { ClusterBus } from '../../src/cluster/cluster-bus';
import { LeaseKeeper } from '../../src/cluster/leases/lease-keeper';
import { LeaseStore } from '../../src/cluster/leases/lease.store';
import { LeaseTable } from '../../src/cluster/leases/lease-table';
import { NodeIdentity } from '../../src/cluster/node-identity';
import { AppConfig } from '../../src/config/app-config';
import { openDataSource, postgresOptions } from '../../src/database/open-database';
import { sqlDatabaseFor } from '../../src/database/sql/database-for';
import type { SessionHosting } from '../../src/whatsapp/sessions/session-hosting';
import { freshPostgresDatabase, TestDatabase } from '../support/postgres';

const LEASE_MS = 5000;

/**
 * What the keeper does with sessions, recorded: which it started, which it closed. A close can be held open, as
 * a real connection's close takes up to its grace period.
 */
class RecordingHosting {
  readonly resumed: string[] = [];
  readonly closed: string[] = [];
  private pending: ((closed: boolean) => void) | null = null;
  holdCloses = false;

  get loaded(): Promise<void> {
    return Promise.resolve();
  }
  has(): boolean {
    return true;
  }
  resume(id: string): Promise<void> {
    this.resumed.push(id);
    return Promise.resolve();
  }
  relinquish(id: string): Promise<boolean> {
    this.closed.push(id);
    if (!this.holdCloses) return Promise.resolve(true);
    return new Promise((resolve) => (this.pending = resolve));
  }
  /** Reports the held close. */
  finishClose(): void {
    this.pending?.(true);
    this.pending = null;
  }
  refreshFromStore(): Promise<void> {
    return Promise.resolve();
  }
  movable(): boolean {
    return true;
  }
  closeAll(): Promise<void> {
    return Promise.resolve();
  }
}

/** One node: its own pool on the shared database, its lease table and keeper (not booted: the test drives it). */
async function node(url: string, id: string) {
  const dataSource: DataSource = await openDataSource(
    postgresOptions({ engine: 'postgres', url, poolSize: 3, ssl: { mode: 'disable' } }),
  );
  const sql = sqlDatabaseFor(dataSource);
  const config = Object.assign(new AppConfig(), { NODE_ID: id, CLUSTER_LEASE_MS: LEASE_MS });
  const store = new LeaseStore(sql);
  const identity = new NodeIdentity(config, {} as never);
  const table = new LeaseTable(sql, store, identity, config);
  const hosting = new RecordingHosting();
  const keeper = new LeaseKeeper(
    table,
    store,
    identity,
    hosting as unknown as SessionHosting,
    new ClusterBus(config),
    new EventEmitter2(),
    config,
    sql,
  );
  const take = async (session: string) => {
    const sentAt = performance.now();
    const epoch = await store.claim(session, id, LEASE_MS);
    if (epoch !== null) table.grant(session, epoch, sentAt);
    return epoch;
  };
  return { dataSource, store, table, hosting, keeper, take };
}

/**
 * Medium test on a real PostgreSQL database: the keeper never runs again a session it is letting go. Between
 * the close of a session's connection and the end of its lease in the table, the table still names this node
 * the owner; a renewal in that window once took that for a lease handed here and reconnected the session, next
 * to the connection of the node the session went to.
 */
describe('LeaseKeeper: leases it lets go are not taken for hand-overs (PostgreSQL)', () => {
  let db: TestDatabase;
  let n1: Awaited<ReturnType<typeof node>>;
  let n2: Awaited<ReturnType<typeof node>>;

  beforeAll(async () => {
    db = await freshPostgresDatabase();
    n1 = await node(db.url, 'n1');
    n2 = await node(db.url, 'n2');
    const now = Date.now();
    for (const id of ['moving', 'expiring'])
      await n1.dataSource.query(
        `INSERT INTO sessions (id, status, created_at, updated_at) VALUES ($1, 'connected', $2, $2)`,
        [id, now],
      );
  });

  afterAll(async () => {
    await n1?.dataSource.destroy();
    await n2?.dataSource.destroy();
    await db?.drop();
  });

  it('does not reconnect a session whose move is still closing its connection', async () => {
    expect(await n1.take('moving')).toBe(1);
    n1.hosting.holdCloses = true;
    const move = n1.keeper.move('moving', 'n2');
    // The connection is closing; the lease is still n1's in the table. A renewal runs now.
    await n1.keeper.renew();
    expect(n1.hosting.resumed).toEqual([]);
    expect(n1.table.holds('moving')).toBe(false);

    n1.hosting.finishClose();
    await expect(move).resolves.toEqual({ from: 'n1', to: 'n2' });
    await n1.keeper.renew();
    expect(n1.hosting.resumed).toEqual([]);
    expect(await n2.store.held('n2')).toEqual([{ sessionId: 'moving', epoch: 2 }]);
  });

  it('runs a session a move handed to it, under a lease it renewed itself', async () => {
    expect(await n2.store.transfer('moving', 'n2', 2, 'n1', LEASE_MS)).toBe(3);
    const before = performance.now();
    await n1.keeper.renew();
    expect(n1.hosting.resumed).toEqual(['moving']);
    expect(n1.table.epochOf('moving')).toBe(3);
    // Valid from this node's own renewal, not from the moment the other node handed it over.
    const [lease] = n1.table.heldSessions().filter((l) => l.sessionId === 'moving');
    expect(lease.validUntil).toBeGreaterThanOrEqual(before + LEASE_MS - n1.table.marginMs);
  });

  it('does not take back a lease it stopped counting on while the table still shows it alive', async () => {
    n1.hosting.holdCloses = false;
    expect(await n1.take('expiring')).toBe(1);
    // By this node's clock the lease has run out (a renewal came too late); the table's expiry is still ahead.
    n1.table.grant('expiring', 1, performance.now() - LEASE_MS);
    await (n1.keeper as unknown as { watch(): Promise<void> }).watch();
    expect(n1.hosting.closed).toContain('expiring');

    await n1.keeper.renew();
    expect(n1.hosting.resumed).not.toContain('expiring');
    expect(n1.table.holds('expiring')).toBe(false);
  });
});
