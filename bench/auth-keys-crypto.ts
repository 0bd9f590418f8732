/**
 * The cost of encrypting Signal keys at rest: the auth store's key writes (one session record per message, as
 * a send or a receive writes it, each awaited through the group commit) and key reads (a cache miss), on a
 * real SQLite file, without and with DATA_ENCRYPTION_KEY, in alternating rounds of the same run. Also the
 * cipher alone per value. `npm run bench:auth-keys`
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source-options';
import { serializeTransactions } from '../src/database/serialized-transactions';
import { parseDataKey } from '../src/secrets/data-keys';
import { FieldCipher, secretContext } from '../src/secrets/field-cipher';
import { SqlAuthStateStore } from '../src/whatsapp/auth-state/sql-auth-state.store';
import { sqlDatabaseFor } from '../src/database/sql/database-for';

const CONTACTS = 200;
const OPS = 500;
/** Short rounds, alternating, many of them: the machine's noise drifts, and both sides see the same drift. */
const ROUNDS = 24;

/** A libsignal session record as the auth state stores it (plain object of base64 strings), about 2 KB. */
const record = (i: number) =>
  JSON.stringify({
    _sessions: {
      [randomBytes(33).toString('base64')]: {
        registrationId: i,
        currentRatchet: {
          ephemeralKeyPair: {
            pubKey: randomBytes(33).toString('base64'),
            privKey: randomBytes(32).toString('base64'),
          },
          lastRemoteEphemeralKey: randomBytes(33).toString('base64'),
          previousCounter: i,
          rootKey: randomBytes(32).toString('base64'),
        },
        indexInfo: {
          baseKey: randomBytes(33).toString('base64'),
          baseKeyType: 1,
          closed: -1,
          used: i,
          created: i,
        },
        _chains: Object.fromEntries(
          Array.from({ length: 12 }, () => [
            randomBytes(33).toString('base64'),
            {
              chainKey: { counter: i, key: randomBytes(32).toString('base64') },
              chainType: 1,
              messageKeys: {},
            },
          ]),
        ),
      },
    },
    version: 'v1',
  });

const us = (ms: number, n: number) => ((ms * 1000) / n).toFixed(1);

async function round(ds: DataSource, cipher: FieldCipher, session: string) {
  const store = new SqlAuthStateStore(sqlDatabaseFor(ds), session, cipher);
  const values = Array.from({ length: CONTACTS }, (_, i) => record(i));
  // One awaited write per message, as each send or receive writes the contact's record.
  let t = performance.now();
  for (let i = 0; i < OPS; i++) {
    const id = `${i % CONTACTS}@lid`;
    await store.writeKeys(() => [{ type: 'session', id, value: values[i % CONTACTS] }]);
  }
  const write = performance.now() - t;
  t = performance.now();
  for (let i = 0; i < OPS; i++) await store.readKeys('session', [`${i % CONTACTS}@lid`]);
  const read = performance.now() - t;
  return { write, read };
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gw-bench-keys-'));
  const ds = serializeTransactions(new DataSource(dataSourceOptions(path.join(dir, 'app.db'))));
  await ds.initialize();
  const encrypted = new FieldCipher(parseDataKey(`k1:${randomBytes(32).toString('base64')}`));
  const plain = FieldCipher.plaintext();

  const sample = record(1);
  const ctx = secretContext('auth_keys', 'value', 's', 'session', '1@lid');
  const sealed = encrypted.seal(sample, ctx);
  let t = performance.now();
  for (let i = 0; i < 20_000; i++) encrypted.seal(sample, ctx);
  const seal = performance.now() - t;
  t = performance.now();
  for (let i = 0; i < 20_000; i++) encrypted.open(sealed, ctx);
  const open = performance.now() - t;
  console.log(
    `cipher alone, ${sample.length}-byte session record: seal ${us(seal, 20_000)} us, open ${us(open, 20_000)} us ` +
      `(stored ${sealed.length} bytes)`,
  );

  const rounds = {
    plain: { write: [] as number[], read: [] as number[] },
    encrypted: { write: [] as number[], read: [] as number[] },
  };
  await round(ds, plain, 'warmup');
  for (let r = 0; r < ROUNDS; r++) {
    const order: ['plain' | 'encrypted', FieldCipher][] = [
      ['plain', plain],
      ['encrypted', encrypted],
    ];
    if (r % 2) order.reverse();
    for (const [name, cipher] of order) {
      const res = await round(ds, cipher, `${name}-${r}`);
      rounds[name].write.push((res.write * 1000) / OPS);
      rounds[name].read.push((res.read * 1000) / OPS);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  for (const op of ['write', 'read'] as const) {
    const p = median(rounds.plain[op]);
    const e = median(rounds.encrypted[op]);
    const what = op === 'write' ? 'key write (awaited, group commit)' : 'key read (cache miss)            ';
    console.log(
      `${what}: plain ${p.toFixed(1)} us, encrypted ${e.toFixed(1)} us, +${(e - p).toFixed(1)} us ` +
        `(medians of ${ROUNDS} rounds of ${OPS})`,
    );
  }
  await ds.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
}

void main();
