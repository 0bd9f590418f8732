import { FencedWrite } from '../../src/cluster/session-fence';
import { FieldCipher } from '../../src/secrets/field-cipher';
import { SqlAuthStateStore } from '../../src/whatsapp/auth-state/sql-auth-state.store';
import { waitUntil } from '../support/wait';
import { leaseNode, twoNodes } from './support/lease-node';

const LEASE_MS = 1500;

/** One gateway node as the fence sees it: its lease table, and the auth-state store its writes go through. */
async function node(url: string, id: string) {
  const n = await leaseNode(url, id, LEASE_MS);
  const lost: string[] = [];
  n.table.onLost = (session) => lost.push(session);
  const auth = (session: string) => new SqlAuthStateStore(n.sql, session, FieldCipher.plaintext(), n.table);
  return { ...n, auth, lost };
}

/**
 * Medium test on a real PostgreSQL database shared by two nodes (two pools, as two processes): a node whose
 * lease another node took can no longer write the session's credentials or keys, and the new owner's state
 * is what stays.
 */
describe('fencing of auth-state writes by the session lease (PostgreSQL, two nodes)', () => {
  const t = twoNodes(node, ['s1']);

  it('refuses the old owner its writes once the session changed hands', async () => {
    expect(await t.n1.take('s1')).toBe(1);
    // Held: nobody else can take it.
    expect(await t.n2.take('s1')).toBeNull();
    await t.n1.auth('s1').writeCreds('{"by":"n1"}');
    await t.n1.auth('s1').writeKeys(() => [{ type: 'session', id: 'a', value: 'n1-key' }]);
    expect(t.n1.table.holds('s1')).toBe(true);

    // n1 stops renewing (frozen): once the lease ran out, n2 takes it, with the next epoch.
    const epoch = await waitUntil(() => t.n2.take('s1'), {
      timeoutMs: 10_000,
      intervalMs: 100,
      what: 'a takeover',
    });
    expect(epoch).toBe(2);
    expect(t.n1.table.holds('s1')).toBe(false);

    // n1, back, still believes in epoch 1: each write is refused and nothing of it lands.
    await expect(t.n1.auth('s1').writeCreds('{"by":"n1-late"}')).rejects.toBeInstanceOf(FencedWrite);
    await expect(
      t.n1.auth('s1').writeKeys(() => [{ type: 'session', id: 'a', value: 'n1-late-key' }]),
    ).rejects.toBeInstanceOf(FencedWrite);
    await expect(t.n1.auth('s1').clear()).rejects.toBeInstanceOf(FencedWrite);
    await waitUntil(() => t.n1.lost.includes('s1'), { timeoutMs: 2000, what: 'the lost lease reported' });

    // The new owner writes and reads its own state.
    await t.n2.auth('s1').writeCreds('{"by":"n2"}');
    expect(await t.n2.auth('s1').readCreds()).toBe('{"by":"n2"}');
    expect((await t.n2.auth('s1').readKeys('session', ['a'])).get('a')).toBe('n1-key');
  });

  it('refuses a node that never held the session, and a renewal at a stale epoch', async () => {
    await expect(t.n1.auth('s1').writeCreds('{"by":"stranger"}')).rejects.toBeInstanceOf(FencedWrite);
    const renewed = await t.n1.store.renew('n1', [{ sessionId: 's1', epoch: 1 }], LEASE_MS);
    expect(renewed.size).toBe(0);
    const held = await t.n2.store.renew('n2', [{ sessionId: 's1', epoch: 2 }], LEASE_MS);
    expect([...held]).toEqual(['s1']);
  });

  it('hands a lease over at once (a move) and back only by its new owner', async () => {
    const to = await t.n2.store.transfer('s1', 'n2', 2, 'n1', LEASE_MS);
    expect(to).toBe(3);
    // The old epoch is gone for n2 as well.
    expect(await t.n2.store.transfer('s1', 'n2', 2, 'n1', LEASE_MS)).toBeNull();
    const held = await t.n1.store.held('n1');
    expect(held).toEqual([{ sessionId: 's1', epoch: 3 }]);
  });
});
