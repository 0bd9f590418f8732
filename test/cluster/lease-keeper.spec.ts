import { EventEmitter2 } from '@nestjs/event-emitter';
import { ClusterBus } from '../../src/cluster/cluster-bus';
import { LeaseKeeper } from '../../src/cluster/leases/lease-keeper';
import { DB_NOW } from '../../src/cluster/leases/lease.store';
import type { SessionHosting } from '../../src/whatsapp/sessions/session-hosting';
import { waitUntil } from '../support/wait';
import { leaseNode, twoNodes } from './support/lease-node';

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

/** One node: its lease table and a keeper (not booted: the test drives it), running sessions on a recorder. */
async function node(url: string, id: string) {
  const n = await leaseNode(url, id, LEASE_MS);
  const hosting = new RecordingHosting();
  const keeper = new LeaseKeeper(
    n.table,
    n.store,
    n.identity,
    hosting as unknown as SessionHosting,
    new ClusterBus(n.config),
    new EventEmitter2(),
    n.config,
    n.sql,
  );
  return { ...n, hosting, keeper };
}

/**
 * Medium test on a real PostgreSQL database: the keeper never runs again a session it is letting go. Between
 * the close of a session's connection and the end of its lease in the table, the table still names this node
 * the owner; a renewal in that window once took that for a lease handed here and reconnected the session, next
 * to the connection of the node the session went to.
 */
describe('LeaseKeeper: leases it lets go are not taken for hand-overs (PostgreSQL)', () => {
  const t = twoNodes(node, ['moving', 'expiring']);
  const lease = async (column: 'acquired_at' | 'renewed_at') =>
    Number(
      (
        await t.n1.dataSource.query(`SELECT ${column} AS v FROM session_leases WHERE session_id = 'moving'`)
      )[0].v,
    );
  const serverNow = async () => Number((await t.n1.dataSource.query(`SELECT ${DB_NOW} AS v`))[0].v);

  it('does not reconnect a session whose move is still closing its connection', async () => {
    expect(await t.n1.take('moving')).toBe(1);
    t.n1.hosting.holdCloses = true;
    const move = t.n1.keeper.move('moving', 'n2');
    // The connection is closing; the lease is still n1's in the table. A renewal runs now.
    await t.n1.keeper.renew();
    expect(t.n1.hosting.resumed).toEqual([]);
    expect(t.n1.table.holds('moving')).toBe(false);

    t.n1.hosting.finishClose();
    await expect(move).resolves.toEqual({ from: 'n1', to: 'n2' });
    await t.n1.keeper.renew();
    expect(t.n1.hosting.resumed).toEqual([]);
    expect(await t.n2.store.held('n2')).toEqual([{ sessionId: 'moving', epoch: 2 }]);
  });

  it('runs a session a move handed to it, under a lease it renewed itself', async () => {
    expect(await t.n2.store.transfer('moving', 'n2', 2, 'n1', LEASE_MS)).toBe(3);
    const handedAt = await lease('acquired_at');
    // The server's clock moves past the hand-over, so a renewal after it shows in the row.
    await waitUntil(async () => (await serverNow()) > handedAt || null, { what: 'the server clock to move' });
    const before = performance.now();
    await t.n1.keeper.renew();
    expect(t.n1.hosting.resumed).toEqual(['moving']);
    expect(t.n1.table.epochOf('moving')).toBe(3);
    // Renewed by this node before its session started: the table's expiry counts from that renewal, and so
    // does the validity this node counts on.
    expect(await lease('renewed_at')).toBeGreaterThan(handedAt);
    const [held] = t.n1.table.heldSessions().filter((l) => l.sessionId === 'moving');
    expect(held.validUntil).toBeGreaterThanOrEqual(before + LEASE_MS - t.n1.table.marginMs);
  });

  it('does not take back a lease it stopped counting on while the table still shows it alive', async () => {
    t.n1.hosting.holdCloses = false;
    expect(await t.n1.take('expiring')).toBe(1);
    // By this node's clock the lease has run out (a renewal came too late); the table's expiry is still ahead.
    t.n1.table.grant('expiring', 1, performance.now() - LEASE_MS);
    await (t.n1.keeper as unknown as { watch(): Promise<void> }).watch();
    expect(t.n1.hosting.closed).toContain('expiring');

    await t.n1.keeper.renew();
    expect(t.n1.hosting.resumed).not.toContain('expiring');
    expect(t.n1.table.holds('expiring')).toBe(false);
  });
});
