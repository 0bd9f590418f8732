import { addTransactionCapability } from '@whiskeysockets/baileys';

type Keys = Record<string, Record<string, unknown>>;

/** A key store in memory that records every write it receives. */
function memoryStore() {
  const data: Keys = {};
  const writes: Keys[] = [];
  return {
    data,
    writes,
    get: async (type: string, ids: string[]) =>
      Object.fromEntries(
        ids.filter((id) => data[type]?.[id] !== undefined).map((id) => [id, data[type][id]]),
      ),
    set: async (changes: Keys) => {
      writes.push(changes);
      for (const [type, values] of Object.entries(changes)) Object.assign((data[type] ??= {}), values);
    },
  };
}

const silent = {
  level: 'silent',
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child() {
    return this;
  },
};

const capable = (store: ReturnType<typeof memoryStore>) =>
  addTransactionCapability(store as never, silent as never, { maxCommitRetries: 1, delayBetweenTriesMs: 1 });

/**
 * Baileys' key-store transactions, as patched (patches/@whiskeysockets+baileys+*.patch): every key store of the
 * process shares one AsyncLocalStorage (one per socket made each promise cost O(open sockets)); a context belongs
 * to the store that opened it, so one store's transaction never captures another store's reads or writes.
 */
describe('Baileys key-store transactions (one async context storage for all sockets)', () => {
  it("keeps one store's transaction out of another store's reads and writes", async () => {
    const a = memoryStore();
    const b = memoryStore();
    const keysA = capable(a);
    const keysB = capable(b);
    b.data.session = { peer: 'b-value' };

    await keysA.transaction(async () => {
      await keysA.set({ session: { peer: 'a-value' } } as never);
      // Inside A's transaction: A's write is held back until its commit; B is not in a transaction at all.
      expect(keysA.isInTransaction()).toBe(true);
      expect(keysB.isInTransaction()).toBe(false);
      expect(a.writes).toEqual([]);
      expect(await keysB.get('session' as never, ['peer'])).toEqual({ peer: 'b-value' });
      await keysB.set({ session: { other: 'b-now' } } as never);
      expect(b.writes).toEqual([{ session: { other: 'b-now' } }]);
    }, 'a');

    expect(a.writes).toEqual([{ session: { peer: 'a-value' } }]);
    expect(b.data.session).toEqual({ peer: 'b-value', other: 'b-now' });
  });

  it('lands a write made after its transaction finished (a chain the transaction started)', async () => {
    const a = memoryStore();
    const keys = capable(a);
    let later: Promise<void> = Promise.resolve();
    await keys.transaction(async () => {
      await keys.set({ session: { first: 1 } } as never);
      later = (async () => {
        await new Promise((resolve) => setImmediate(resolve));
        await keys.set({ session: { second: 2 } } as never);
      })();
    }, 'a');
    await later;
    expect(a.data.session).toEqual({ first: 1, second: 2 });
  });
});
