import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../database/data-source-options';
import { rawDb, serializeTransactions } from '../database/serialized-transactions';
import { SqlAuthStateStore } from '../whatsapp/auth-state/sql-auth-state.store';
import { parseDataKey } from './data-keys';
import { FieldCipher } from './field-cipher';
import { rotateStoredSecrets, rotateStoredSecretsOn } from './key-rotation';
import {
  checkStoredSecrets,
  checkStoredSecretsOn,
  describeStoredSecrets,
  StoredSecretsError,
} from './stored-secrets-check';
import { openDataSource, postgresOptions } from '../database/open-database';
import { freshPostgresDatabase, TestDatabase } from '../../test/support/postgres';
import { sqlDatabaseFor } from '../database/sql/database-for';

const key = (id: string) => parseDataKey(`${id}:${randomBytes(32).toString('hex')}`);

describe('secrets at rest on a real SQLite file: the auth store, the boot check, rotation', () => {
  let ds: DataSource;
  beforeEach(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gw-keys-'));
    ds = serializeTransactions(new DataSource(dataSourceOptions(path.join(dir, 'app.db'))));
    await ds.initialize();
  });
  afterEach(async () => {
    if (ds.isInitialized) await ds.destroy();
  });

  const raw = (sql: string, ...params: unknown[]) =>
    rawDb(ds)
      .prepare(sql)
      .all(...params) as any[];
  const allValues = () => [
    ...raw('SELECT value FROM auth_creds').map((r) => r.value),
    ...raw('SELECT value FROM auth_keys').map((r) => r.value),
    ...raw('SELECT secret, headers FROM webhook_endpoints').flatMap((r) => [r.secret, r.headers]),
  ];
  const addEndpoint = (cipher: FieldCipher, id: string, secret: string, headers: string) =>
    rawDb(ds)
      .prepare(
        `INSERT INTO webhook_endpoints (id, url, description, events, headers, enabled, is_default, secret,
           created_at, updated_at) VALUES (?, 'https://x.example', '', '["*"]', ?, 1, 0, ?, 0, 0)`,
      )
      .run(
        id,
        cipher.seal(headers, JSON.stringify(['webhook_endpoints', 'headers', id])),
        cipher.seal(secret, JSON.stringify(['webhook_endpoints', 'secret', id])),
      );
  const fill = async (cipher: FieldCipher, session = 's') => {
    const store = new SqlAuthStateStore(sqlDatabaseFor(ds), session, cipher);
    await store.writeCreds('{"noiseKey":"CREDS-SECRET"}');
    await store.writeKeys(() => [
      { type: 'session', id: 'a@lid', value: '{"k":"KEY-SECRET-A"}' },
      { type: 'pre-key', id: '1', value: '{"k":"KEY-SECRET-1"}' },
    ]);
    return store;
  };

  it('stores encrypted values bound to their rows, and reads them back', async () => {
    const cipher = new FieldCipher(key('k1'));
    const store = await fill(cipher);
    for (const value of allValues()) expect(value).toMatch(/^enc:v1:k1:/);
    expect(JSON.stringify(allValues())).not.toContain('SECRET');
    expect(await store.readCreds()).toBe('{"noiseKey":"CREDS-SECRET"}');
    expect(await store.readKeys('session', ['a@lid', 'none'])).toEqual(
      new Map([['a@lid', '{"k":"KEY-SECRET-A"}']]),
    );
    // A value copied onto another row does not decrypt there.
    rawDb(ds).exec(
      `UPDATE auth_keys SET value = (SELECT value FROM auth_keys WHERE id = 'a@lid') WHERE id = '1'`,
    );
    await expect(store.readKeys('pre-key', ['1'])).rejects.toThrow(/does not decrypt/);
  });

  it('reads values written before a key was set, and encrypts them at their next write', async () => {
    await fill(FieldCipher.plaintext());
    const cipher = new FieldCipher(key('k1'));
    const store = new SqlAuthStateStore(sqlDatabaseFor(ds), 's', cipher);
    expect(await store.readCreds()).toBe('{"noiseKey":"CREDS-SECRET"}');
    await store.writeCreds('{"noiseKey":"NEW"}');
    expect(raw('SELECT value FROM auth_creds')[0].value).toMatch(/^enc:v1:k1:/);
    expect(describeStoredSecrets(checkStoredSecretsOn(rawDb(ds), cipher), cipher)).toMatch(
      /2 still in plain text/,
    );
  });

  it('the boot check refuses a missing key and a wrong key, and accepts the right ones', async () => {
    const k1 = key('k1');
    await fill(new FieldCipher(k1));
    addEndpoint(new FieldCipher(k1), 'we_1', 'whsec_SECRET', '{"X-Token":"HEADER-SECRET"}');
    const db = rawDb(ds);
    expect(() => checkStoredSecretsOn(db, FieldCipher.plaintext())).toThrow(StoredSecretsError);
    expect(() => checkStoredSecretsOn(db, new FieldCipher(key('k2')))).toThrow(
      /"k1", which is not configured/,
    );
    expect(() => checkStoredSecretsOn(db, new FieldCipher(key('k1')))).toThrow(/is a different key/);
    const summary = checkStoredSecretsOn(db, new FieldCipher(key('k2'), [k1]));
    expect(summary.byKey).toEqual(new Map([['k1', 5]]));
    expect(checkStoredSecretsOn(db, new FieldCipher(k1)).byKey).toEqual(new Map([['k1', 5]]));
  });

  it('rotation re-encrypts plain and old-key values under the new key, after which the old key can go', async () => {
    const k1 = key('k1');
    const k2 = key('k2');
    await fill(FieldCipher.plaintext(), 'plain');
    await fill(new FieldCipher(k1), 'old');
    addEndpoint(new FieldCipher(k1), 'we_1', 'whsec_SECRET', '{"X-Token":"HEADER-SECRET"}');
    const cipher = new FieldCipher(k2, [k1]);
    // Small batches: the walk over composite keys continues where the last batch ended.
    expect(rotateStoredSecretsOn(rawDb(ds), cipher, 2)).toEqual({ rewritten: 8, unchanged: 0 });
    expect(rotateStoredSecretsOn(rawDb(ds), cipher, 2)).toEqual({ rewritten: 0, unchanged: 8 });
    for (const value of allValues()) expect(value).toMatch(/^enc:v1:k2:/);
    const onlyNew = new FieldCipher(k2);
    expect(checkStoredSecretsOn(rawDb(ds), onlyNew).byKey).toEqual(new Map([['k2', 8]]));
    for (const session of ['plain', 'old']) {
      const store = new SqlAuthStateStore(sqlDatabaseFor(ds), session, onlyNew);
      expect(await store.readCreds()).toBe('{"noiseKey":"CREDS-SECRET"}');
      expect((await store.readKeys('pre-key', ['1'])).get('1')).toBe('{"k":"KEY-SECRET-1"}');
    }
    // Without a current key, rotation writes everything back in plain text.
    expect(rotateStoredSecretsOn(rawDb(ds), new FieldCipher(null, [k2])).rewritten).toBe(8);
    expect(allValues()).toContain('whsec_SECRET');
    expect(checkStoredSecretsOn(rawDb(ds), FieldCipher.plaintext()).byKey).toEqual(new Map([['', 8]]));
  });
});

describe('secrets at rest on a real PostgreSQL database: the boot check and rotation', () => {
  let ds: DataSource;
  let db: TestDatabase;
  beforeAll(async () => {
    db = await freshPostgresDatabase();
    ds = await openDataSource(
      postgresOptions({ engine: 'postgres', url: db.url, poolSize: 4, ssl: { mode: 'disable' } }),
    );
  });
  afterAll(async () => {
    await ds.destroy();
    await db.drop();
  });

  it('rotation re-encrypts plain and old-key values under the new key, in batches, rows locked', async () => {
    const sql = sqlDatabaseFor(ds);
    const k1 = key('k1');
    const k2 = key('k2');
    for (const [session, cipher] of [
      ['plain', FieldCipher.plaintext()],
      ['old', new FieldCipher(k1)],
    ] as const) {
      const store = new SqlAuthStateStore(sql, session, cipher);
      await store.writeCreds('{"noiseKey":"CREDS-SECRET"}');
      await store.writeKeys(() => [{ type: 'pre-key', id: '1', value: '{"k":"KEY-SECRET-1"}' }]);
    }
    await expect(sql.read(() => checkStoredSecrets('postgres', new FieldCipher(k2)))).rejects.toThrow(
      /"k1", which is not configured/,
    );
    const cipher = new FieldCipher(k2, [k1]);
    expect(await rotateStoredSecrets(sql, cipher, 1)).toEqual({ rewritten: 4, unchanged: 0 });
    expect(await rotateStoredSecrets(sql, cipher, 1)).toEqual({ rewritten: 0, unchanged: 4 });
    const onlyNew = new FieldCipher(k2);
    expect((await sql.read(() => checkStoredSecrets('postgres', onlyNew))).byKey).toEqual(
      new Map([['k2', 4]]),
    );
    for (const session of ['plain', 'old']) {
      const store = new SqlAuthStateStore(sql, session, onlyNew);
      expect(await store.readCreds()).toBe('{"noiseKey":"CREDS-SECRET"}');
      expect((await store.readKeys('pre-key', ['1'])).get('1')).toBe('{"k":"KEY-SECRET-1"}');
    }
  });
});
