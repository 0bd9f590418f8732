import { Logger } from '@nestjs/common';
import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { FieldCipher } from '../../src/secrets/field-cipher';
import { SqlAuthStateStore } from '../../src/whatsapp/auth-state/sql-auth-state.store';
import { startSandboxApp, SandboxApp } from '../support/sandbox-app';
import { startTestApp, tempDir } from '../support/test-app';
import { ReceivedRequest, Receiver } from '../webhooks/support/receiver';
import { waitUntil } from '../support/wait';
import { generateSecret } from '../../src/webhooks/signer';
import { Webhook } from 'standardwebhooks';
import { SqlDatabase } from '../../src/database/sql/sql';

const ROOT = path.join(__dirname, '..', '..');
const mode = (p: string) => fs.statSync(p).mode & 0o777;
const newKey = (id: string) => `${id}:${randomBytes(32).toString('base64')}`;

/** Every form a secret could take in the files: raw bytes, base64, hex, and the text as given. */
function forms(secret: Buffer | string): Buffer[] {
  if (typeof secret === 'string') return [Buffer.from(secret)];
  return [secret, Buffer.from(secret.toString('base64')), Buffer.from(secret.toString('hex'))];
}

/** The database's bytes after a checkpoint, its -wal included (and -shm). */
function databaseBytes(file: string): Buffer {
  const db = new Database(file);
  db.pragma('wal_checkpoint(FULL)');
  db.close();
  return Buffer.concat(
    [file, `${file}-wal`, `${file}-shm`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f)),
  );
}

/** Runs `npm run keys:rotate`'s CLI from the sources on a stopped gateway's data directory. */
function rotateKeys(dir: string, env: Record<string, string>) {
  return promisify(execFile)(
    process.execPath,
    [
      '-r',
      path.join(ROOT, 'scripts', 'swc-register.js'),
      path.join(ROOT, 'src', 'secrets', 'key-rotation.cli.ts'),
    ],
    {
      cwd: dir,
      env: { PATH: process.env.PATH, DATA_DIR: dir, DATABASE_PATH: path.join(dir, 'app.db'), ...env },
    },
  );
}

describe('secrets at rest', () => {
  let warn: jest.SpyInstance;
  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn');
  });
  afterEach(() => warn.mockRestore());
  const warned = (pattern: RegExp) => warn.mock.calls.map((c) => String(c[0])).filter((m) => pattern.test(m));

  it('boots with DATA_DIR 0700 and the database files 0600, narrowing what was readable before, and says so', async () => {
    const dir = tempDir('gw-perm-');
    const file = path.join(dir, 'app.db');
    const first = await startTestApp({}, dir);
    await first.close();
    // As an older version left them: world-readable, with a -wal and -shm beside the database.
    const previousUmask = process.umask(0o022);
    const other = new Database(file);
    other.exec('CREATE TABLE IF NOT EXISTS leftover (x); INSERT INTO leftover VALUES (1)');
    process.umask(previousUmask);
    fs.chmodSync(dir, 0o755);
    for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.chmodSync(f, 0o644);
    fs.writeFileSync(path.join(dir, 'sandbox-state.json'), '{}', { mode: 0o644 });
    fs.chmodSync(path.join(dir, 'sandbox-state.json'), 0o644);
    warn.mockClear();
    const t = await startTestApp({}, dir);
    try {
      await t.http().get('/health').expect(200);
      expect(mode(dir)).toBe(0o700);
      for (const f of ['app.db', 'app.db-wal', 'app.db-shm', 'sandbox-state.json']) {
        expect([f, mode(path.join(dir, f))]).toEqual([f, 0o600]);
      }
      const lines = warned(/Narrowed file permissions/);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`${dir} 0755 -> 0700`);
      expect(lines[0]).toContain(`${file}-wal 0644 -> 0600`);
      expect(warned(/DATA_ENCRYPTION_KEY is not set: .* stored unencrypted/)).toHaveLength(1);
    } finally {
      other.close();
      await t.close();
    }
  });

  it('encrypts keys, webhook secrets and headers; a rotation keeps the session linked; a wrong key stops the boot', async () => {
    const dir = tempDir('gw-enc-');
    const file = path.join(dir, 'app.db');
    const k1 = newKey('k1');
    const k2 = newKey('k2');
    const contact = '6281100000031';
    const receiver = new Receiver();
    await receiver.listen();
    // The default endpoint from WEBHOOK_URL / WEBHOOK_SECRET too.
    const defaultSecret = generateSecret();
    const env = {
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
      WEBHOOK_URL: receiver.url,
      WEBHOOK_SECRET: defaultSecret,
      SEND_MIN_INTERVAL_MS: '0',
      SEND_JITTER_MS: '0',
    };
    let t: SandboxApp | null = await startSandboxApp({ ...env, DATA_ENCRYPTION_KEY: k1 }, { dir });
    try {
      expect(warned(/DATA_ENCRYPTION_KEY is not set/)).toEqual([]);
      const sent = await t.post('/api/sessions/default/messages', { to: contact, type: 'text', text: 'one' });
      expect(sent.status).toBe(202);
      await t.sandbox.waitForReceived(contact, (m) => m.text === 'one');
      const secret = `whsec_${randomBytes(32).toString('base64')}`;
      const headerValue = `hv-${randomBytes(16).toString('hex')}`;
      const created = await t.post('/api/webhook-endpoints', {
        url: receiver.url,
        secret,
        headers: { 'X-Receiver-Token': headerValue },
      });
      expect(created.status).toBe(201);
      const rotated = await t.post(`/api/webhook-endpoints/${created.body.id}/rotate-secret`);
      expect(rotated.status).toBe(200);

      // The private keys of the account, from the credentials the gateway holds.
      const store = new SqlAuthStateStore(t.app.get(SqlDatabase), 'default', t.app.get(FieldCipher));
      const creds = JSON.parse((await store.readCreds())!);
      const privateKeys = [
        creds.noiseKey.private,
        creds.signedIdentityKey.private,
        creds.signedPreKey.keyPair.private,
      ].map((k: { data: string }) => Buffer.from(k.data, 'base64'));
      for (const k of privateKeys) expect(k).toHaveLength(32);
      const needles = [
        ...privateKeys.flatMap(forms),
        ...forms(secret),
        ...forms(secret.slice('whsec_'.length)),
        ...forms(rotated.body.secret),
        ...forms(headerValue),
        ...forms(defaultSecret),
      ];
      const bytes = databaseBytes(file);
      expect(bytes.includes('enc:v1:k1:')).toBe(true);
      for (const needle of needles) expect(bytes.includes(needle)).toBe(false);

      await t.close();
      t = null;
      const { stdout } = await rotateKeys(dir, { DATA_ENCRYPTION_KEY: k2, DATA_ENCRYPTION_OLD_KEYS: k1 });
      expect(stdout).toMatch(/under the current key/);
      const after = databaseBytes(file);
      expect(after.includes('enc:v1:k1:')).toBe(false);
      for (const needle of needles) expect(after.includes(needle)).toBe(false);

      // Only the new key: the session reconnects without a QR and sends.
      t = await startSandboxApp({ ...env, DATA_ENCRYPTION_KEY: k2 }, { dir, link: false });
      const back = await t.waitForStatus('default', 'connected');
      expect(back.qr).toBeNull();
      const again = await t.post('/api/sessions/default/messages', {
        to: contact,
        type: 'text',
        text: 'two',
      });
      expect(again.status).toBe(202);
      await t.sandbox.waitForReceived(contact, (m) => m.text === 'two');
      const endpoint = await t.get(`/api/webhook-endpoints/${created.body.id}`);
      expect(endpoint.body.headers).toEqual({ 'X-Receiver-Token': '********' });
      const signedByDefault = (r: ReceivedRequest) => {
        try {
          new Webhook(defaultSecret).verify(r.body, r.headers as Record<string, string>);
          return true;
        } catch {
          return false;
        }
      };
      const seenBefore = receiver.requests.length;
      await t.post('/api/sessions/default/messages', { to: contact, type: 'text', text: 'three' });
      await waitUntil(() => receiver.requests.slice(seenBefore).find(signedByDefault), {
        what: 'a delivery signed with the default endpoint secret',
      });
      await t.close();
      t = null;

      // The old key alone, a different key under the new id, or no key: the boot stops and says why.
      await expect(startTestApp({ DATA_ENCRYPTION_KEY: k1 }, dir)).rejects.toThrow(
        /data key "k2", which is not configured/,
      );
      await expect(startTestApp({ DATA_ENCRYPTION_KEY: newKey('k2') }, dir)).rejects.toThrow(
        /"k2" does not decrypt/,
      );
      await expect(startTestApp({}, dir)).rejects.toThrow(/DATA_ENCRYPTION_KEY/);
    } finally {
      await t?.close();
      await receiver.close();
    }
  });

  it('secrets stored before the key was set: readable, then encrypted by keys:rotate with no plain copy left', async () => {
    const dir = tempDir('gw-later-');
    const file = path.join(dir, 'app.db');
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    const headerValue = `hv-${randomBytes(16).toString('hex')}`;
    const env = { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' };
    let t = await startTestApp(env, dir);
    const created = await t
      .http()
      .post('/api/webhook-endpoints')
      .set('X-API-Key', t.apiKey)
      .send({ url: 'http://127.0.0.1:9/hook', secret, headers: { 'X-Receiver-Token': headerValue } })
      .expect(201);
    await t.close();
    expect(databaseBytes(file).includes(headerValue)).toBe(true);

    const k1 = newKey('k1');
    t = await startTestApp({ ...env, DATA_ENCRYPTION_KEY: k1 }, dir);
    try {
      const got = await t.http().get(`/api/webhook-endpoints/${created.body.id}`).set('X-API-Key', t.apiKey);
      expect(got.status).toBe(200);
      expect(got.body.headers).toEqual({ 'X-Receiver-Token': '********' });
    } finally {
      await t.close();
    }
    const { stdout } = await rotateKeys(dir, { DATA_ENCRYPTION_KEY: k1 });
    // At least the endpoint's secret and headers (the default session's credentials, if its connection attempts
    // wrote any, may have been rewritten by the boot with the key already).
    expect(stdout).toMatch(/Rewrote [2-9] stored secret\(s\) as data key "k1"/);
    expect(stdout).toMatch(/Every stored secret is under the current key/);
    const bytes = databaseBytes(file);
    for (const needle of [...forms(secret), ...forms(secret.slice('whsec_'.length)), ...forms(headerValue)]) {
      expect(bytes.includes(needle)).toBe(false);
    }
  });
});
