import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../../database/data-source-options';
import { serializeTransactions } from '../../../database/serialized-transactions';
import { FieldCipher } from '../../../secrets/field-cipher';
import { SqlAuthStateStore } from '../../auth-state/sql-auth-state.store';
import { deserialize, makeAuthState } from './baileys-auth-state';
import { sqlDatabaseFor } from '../../../database/sql/database-for';

describe('makeAuthState (Signal keys through the cache, on SQLite)', () => {
  let ds: DataSource;
  beforeEach(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gw-auth-'));
    ds = serializeTransactions(new DataSource(dataSourceOptions(path.join(dir, 'app.db'))));
    await ds.initialize();
  });
  afterEach(async () => {
    if (ds.isInitialized) await ds.destroy();
  });

  const stored = async (type: string, id: string) => {
    const rows = await ds.query(
      `SELECT value FROM auth_keys WHERE session_id = 's' AND type = ? AND id = ?`,
      [type, id],
    );
    return rows.length ? deserialize<any>(rows[0].value) : undefined;
  };
  const session = (counter: number) => ({
    _sessions: { base: { counter, rootKey: 'cm9vdA==' } },
    version: 'v1',
  });

  it('answers a read with a write that is not committed yet, and commits it', async () => {
    const { state } = await makeAuthState(
      new SqlAuthStateStore(sqlDatabaseFor(ds), 's', FieldCipher.plaintext()),
    );
    await state.keys.set({ session: { 'a@lid': session(1) as any } });
    // `set` does not wait for the commit: the row is not there yet, the cache answers.
    expect(await stored('session', 'a@lid')).toBeUndefined();
    expect(await state.keys.get('session', ['a@lid'])).toEqual({ 'a@lid': session(1) });
    await state.keys.set({ session: { 'a@lid': session(2) as any } });
    await ds.transaction(async () => undefined); // any later write waits for the earlier ones
    expect(await stored('session', 'a@lid')).toEqual(session(2));
  });

  it('writes a key set several times before its write runs once, with the newest value', async () => {
    const store = new SqlAuthStateStore(sqlDatabaseFor(ds), 's', FieldCipher.plaintext());
    const writes = jest.spyOn(store, 'writeKeys');
    const { state } = await makeAuthState(store);
    for (let counter = 1; counter <= 3; counter++)
      await state.keys.set({
        session: { 'a@lid': session(counter) as any, [`b${counter}@lid`]: session(0) as any },
      });
    await ds.transaction(async () => undefined);
    expect(writes).toHaveBeenCalledTimes(1);
    expect(await stored('session', 'a@lid')).toEqual(session(3));
    expect(await stored('session', 'b3@lid')).toEqual(session(0));
    // Set after that write ran: a write of its own.
    await state.keys.set({ session: { 'a@lid': session(4) as any } });
    await ds.transaction(async () => undefined);
    expect(writes).toHaveBeenCalledTimes(2);
    expect(await stored('session', 'a@lid')).toEqual(session(4));
  });

  it('a new connection reads what the previous one asked to write, even before its commit', async () => {
    const first = await makeAuthState(
      new SqlAuthStateStore(sqlDatabaseFor(ds), 's', FieldCipher.plaintext()),
    );
    await first.state.keys.set({ session: { 'a@lid': session(7) as any } });
    const second = await makeAuthState(
      new SqlAuthStateStore(sqlDatabaseFor(ds), 's', FieldCipher.plaintext()),
    );
    expect(await second.state.keys.get('session', ['a@lid'])).toEqual({ 'a@lid': session(7) });
  });

  it('remembers an absent key, and a later write replaces that', async () => {
    const store = new SqlAuthStateStore(sqlDatabaseFor(ds), 's', FieldCipher.plaintext());
    const reads = jest.spyOn(store, 'readKeys');
    const { state } = await makeAuthState(store);
    expect(await state.keys.get('tctoken', ['b@lid'])).toEqual({});
    expect(await state.keys.get('tctoken', ['b@lid'])).toEqual({});
    expect(reads).toHaveBeenCalledTimes(1);
    const token = { token: Buffer.from('tok'), senderTimestamp: 5 };
    await state.keys.set({ tctoken: { 'b@lid': token } });
    expect(await state.keys.get('tctoken', ['b@lid'])).toEqual({ 'b@lid': token });
    await ds.transaction(async () => undefined);
    // Buffers survive the round trip through SQLite.
    const fresh = await makeAuthState(
      new SqlAuthStateStore(sqlDatabaseFor(ds), 's', FieldCipher.plaintext()),
    );
    expect(await fresh.state.keys.get('tctoken', ['b@lid'])).toEqual({ 'b@lid': token });
  });

  it('deletes with null', async () => {
    const { state } = await makeAuthState(
      new SqlAuthStateStore(sqlDatabaseFor(ds), 's', FieldCipher.plaintext()),
    );
    await state.keys.set({
      'pre-key': { '1': { public: Buffer.alloc(32, 1), private: Buffer.alloc(32, 2) } },
    });
    expect(Object.keys(await state.keys.get('pre-key', ['1']))).toEqual(['1']);
    await state.keys.set({ 'pre-key': { '1': null } });
    expect(await state.keys.get('pre-key', ['1'])).toEqual({});
    await ds.transaction(async () => undefined);
    expect(await stored('pre-key', '1')).toBeUndefined();
  });

  it('a failed creds write is reported, settles, and does not stop the next one', async () => {
    const sqlStore = new SqlAuthStateStore(sqlDatabaseFor(ds), 's', FieldCipher.plaintext());
    let refuse = true;
    const store = Object.assign(Object.create(sqlStore) as SqlAuthStateStore, {
      writeCreds: (value: string) =>
        refuse ? Promise.reject(new Error('refused')) : sqlStore.writeCreds(value),
    });
    const errors: string[] = [];
    const { state, saveCreds } = await makeAuthState(store, { onWriteError: (e) => errors.push(e.message) });
    await expect(saveCreds()).resolves.toBeUndefined();
    expect(errors).toEqual(['refused']);
    refuse = false;
    (state.creds as { registrationId: number }).registrationId = 4242;
    await saveCreds();
    expect(JSON.parse((await sqlStore.readCreds())!).registrationId).toBe(4242);
  });

  it('keysDurable resolves once the keys set so far are committed, and rejects after a failed write', async () => {
    const store = new SqlAuthStateStore(sqlDatabaseFor(ds), 's', FieldCipher.plaintext());
    const { state, keysDurable } = await makeAuthState(store, { onWriteError: () => undefined });
    await keysDurable(); // nothing pending
    await state.keys.set({ session: { 'a@lid': session(1) as any } });
    await state.keys.set({ session: { 'b@lid': session(1) as any } });
    expect(await stored('session', 'a@lid')).toBeUndefined();
    await keysDurable();
    expect(await stored('session', 'a@lid')).toEqual(session(1));
    expect(await stored('session', 'b@lid')).toEqual(session(1));
    jest.spyOn(store, 'writeKeys').mockRejectedValueOnce(new Error('disk full'));
    await state.keys.set({ session: { 'a@lid': session(2) as any } });
    await expect(keysDurable()).rejects.toThrow('disk full');
    // The keys in memory were ahead of SQLite: nothing is durable for this connection any more.
    await state.keys.set({ session: { 'a@lid': session(3) as any } });
    await expect(keysDurable()).rejects.toThrow('disk full');
  });

  it('reports a write that fails and forgets its keys, so reads return what SQLite holds', async () => {
    const store = new SqlAuthStateStore(sqlDatabaseFor(ds), 's', FieldCipher.plaintext());
    const errors: Error[] = [];
    const { state } = await makeAuthState(store, { onWriteError: (err) => errors.push(err) });
    await state.keys.set({ session: { 'a@lid': session(1) as any } });
    await ds.transaction(async () => undefined);
    jest.spyOn(store, 'writeKeys').mockRejectedValueOnce(new Error('disk full'));
    await state.keys.set({ session: { 'a@lid': session(2) as any } });
    await new Promise((r) => setImmediate(r));
    expect(errors.map((e) => e.message)).toEqual(['disk full']);
    expect(await state.keys.get('session', ['a@lid'])).toEqual({ 'a@lid': session(1) });
  });
});
