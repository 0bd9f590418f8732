import { randomBytes } from 'node:crypto';
import { all } from '../../src/database/sql/sql';
import { parseDataKey } from '../../src/secrets/data-keys';
import { FieldCipher } from '../../src/secrets/field-cipher';
import { SqlAuthStateStore } from '../../src/whatsapp/auth-state/sql-auth-state.store';
import type { KeyEntry } from '../../src/whatsapp/engine/auth-state-store';
import { describeEachEngine } from '../support/both-engines';

/**
 * Medium test: a session's auth state (SqlAuthStateStore) on a real SQLite file and a real PostgreSQL database,
 * in plain text and encrypted with a data key.
 */
describeEachEngine('SqlAuthStateStore', (db) => {
  const ciphers: [string, () => FieldCipher][] = [
    ['plain text', () => FieldCipher.plaintext()],
    ['encrypted', () => new FieldCipher(parseDataKey(`k1:${randomBytes(32).toString('base64')}`))],
  ];

  describe.each(ciphers)('%s', (_name, makeCipher) => {
    let cipher: FieldCipher;
    let store: SqlAuthStateStore;
    beforeEach(() => {
      cipher = makeCipher();
      store = new SqlAuthStateStore(db().sql, 's1', cipher);
    });
    const preKeys = (n: number, value = (i: number) => `pre-key-${i}`): KeyEntry[] =>
      Array.from({ length: n }, (_, i) => ({ type: 'pre-key', id: String(i + 1), value: value(i + 1) }));
    const storedValues = () =>
      db().sql.read(() =>
        all<{ value: string }>('SELECT value FROM auth_keys UNION ALL SELECT value FROM auth_creds'),
      );

    it('keeps the creds, replacing them on each write', async () => {
      expect(await store.readCreds()).toBeNull();
      await store.writeCreds('{"me":{"id":"1"}}');
      expect(await store.readCreds()).toBe('{"me":{"id":"1"}}');
      await store.writeCreds('{"me":{"id":"2"}}');
      expect(await store.readCreds()).toBe('{"me":{"id":"2"}}');
      expect(await new SqlAuthStateStore(db().sql, 's2', cipher).readCreds()).toBeNull();
      const stored = await storedValues();
      expect(stored).toHaveLength(1);
      expect(stored[0].value.startsWith('enc:v1:k1:')).toBe(cipher.encrypting);
    });

    it('writes, reads, replaces and deletes keys by type and id', async () => {
      await store.writeKeys(() => [
        { type: 'session', id: 'a', value: 'sa' },
        { type: 'session', id: 'b', value: 'sb' },
        { type: 'sender-key', id: 'a', value: 'ka' },
      ]);
      expect(Object.fromEntries(await store.readKeys('session', ['a', 'b', 'c']))).toEqual({
        a: 'sa',
        b: 'sb',
      });
      expect(Object.fromEntries(await store.readKeys('sender-key', ['a', 'b']))).toEqual({ a: 'ka' });
      await store.writeKeys(() => [
        { type: 'session', id: 'a', value: 'sa2' },
        { type: 'session', id: 'b', value: null },
      ]);
      expect(Object.fromEntries(await store.readKeys('session', ['a', 'b']))).toEqual({ a: 'sa2' });
      expect(Object.fromEntries(await store.readKeys('session', []))).toEqual({});
      const other = new SqlAuthStateStore(db().sql, 's2', cipher);
      expect((await other.readKeys('session', ['a'])).size).toBe(0);
    });

    it('stores 812 pre-keys in one write and reads them all back', async () => {
      await store.writeKeys(() => preKeys(812));
      const ids = Array.from({ length: 812 }, (_, i) => String(i + 1));
      const read = await store.readKeys('pre-key', ids);
      expect(read.size).toBe(812);
      expect(read.get('1')).toBe('pre-key-1');
      expect(read.get('812')).toBe('pre-key-812');
      expect(await store.countRows()).toBe(812);
    });

    it('a read right after a write that was not awaited sees it', async () => {
      await store.writeKeys(() => preKeys(3, () => 'old'));
      const write = store.writeKeys(() => preKeys(812, (i) => `new-${i}`));
      const read = await store.readKeys('pre-key', ['1', '3', '812']);
      expect(Object.fromEntries(read)).toEqual({ 1: 'new-1', 3: 'new-3', 812: 'new-812' });
      await write;
      // A store made after the write was asked for (a reconnect) waits for it as well.
      const deletion = store.writeKeys(() => [{ type: 'pre-key', id: '2', value: null }]);
      const reconnected = new SqlAuthStateStore(db().sql, 's1', cipher);
      expect((await reconnected.readKeys('pre-key', ['2'])).size).toBe(0);
      await deletion;
    });

    it('clears the session and only it', async () => {
      const other = new SqlAuthStateStore(db().sql, 's2', cipher);
      await Promise.all([
        store.writeCreds('{}'),
        store.writeKeys(() => preKeys(5)),
        other.writeCreds('{}'),
        other.writeKeys(() => preKeys(2)),
      ]);
      expect(await store.countRows()).toBe(6);
      await store.clear();
      expect(await store.countRows()).toBe(0);
      expect(await store.readCreds()).toBeNull();
      expect(await other.countRows()).toBe(3);
    });
  });

  it('refuses a value copied to another row when encrypted', async () => {
    const cipher = new FieldCipher(parseDataKey(`k1:${randomBytes(32).toString('base64')}`));
    const store = new SqlAuthStateStore(db().sql, 's1', cipher);
    await store.writeKeys(() => [{ type: 'session', id: 'a', value: 'secret' }]);
    await db().dataSource.query(
      `INSERT INTO auth_keys (session_id, type, id, value) SELECT session_id, type, 'b', value FROM auth_keys`,
    );
    await expect(store.readKeys('session', ['b'])).rejects.toThrow(/does not decrypt/);
  });
});
