import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { Client } from 'pg';
import { runCli } from '../backup/run-cli';
import { freshPostgresDatabase, TestDatabase } from '../support/postgres';
import { startSandboxApp, SandboxApp } from '../support/sandbox-app';
import { tempDir } from '../support/test-app';
import { TEST_DB_ENGINE } from '../support/test-engine';
import { waitUntil } from '../support/wait';

/** Credentials and keys encrypted: they are copied as stored, and the same key reads them on PostgreSQL. */
const ENV = {
  SEND_MIN_INTERVAL_MS: '0',
  SEND_JITTER_MS: '0',
  DATA_ENCRYPTION_KEY: `k1:${randomBytes(32).toString('base64')}`,
};
const CLI = 'src/database/migrate-to-postgres/migrate-to-postgres.cli.ts';
/** QR codes the gateway showed since it started (the link_attempts counter of method qr). */
const qrShown = async (t: SandboxApp) => {
  const text: string = (await t.get('/metrics')).text;
  const line = text.split('\n').find((l) => /^wa_gateway_link_attempts_total\{.*method="qr".*\} /.test(l));
  return line ? Number(line.split(' ').pop()) : 0;
};

async function messageById(t: SandboxApp, id: string) {
  return waitUntil(
    async () => {
      const res = await t.get(`/api/sessions/default/messages/${id}`);
      return res.status === 200 ? res.body : null;
    },
    { timeoutMs: 20_000, what: `message ${id}` },
  );
}

// The source is a SQLite file: on the PostgreSQL run of the suites there is nothing to move.
(TEST_DB_ENGINE === 'sqlite' ? describe : describe.skip)('moving from SQLite to PostgreSQL', () => {
  let onSqlite: SandboxApp | undefined;
  let onPostgres: SandboxApp | undefined;
  let target: TestDatabase | undefined;
  afterAll(async () => {
    await onSqlite?.close();
    await onPostgres?.close();
    await target?.drop();
  });

  it('a linked session comes back connected on PostgreSQL without a QR, with its history, and sends and receives', async () => {
    const dir = tempDir('gw-move-');
    onSqlite = await startSandboxApp(ENV, { dir });
    const gw = onSqlite;
    expect(await qrShown(gw)).toBeGreaterThan(0);
    const contact = '6281277770001';
    const out = await gw.post('/api/sessions/default/messages', {
      to: contact,
      type: 'text',
      text: 'sebelum pindah 🚚',
    });
    expect(out.status).toBe(202);
    await gw.sandbox.waitForReceived(contact, (m) => m.id === out.body.waMessageId, 20_000);
    const inbound = await gw.sandbox.contactSend(contact, gw.account, { text: 'balasan sebelum pindah' });
    await messageById(gw, inbound.id);
    await gw.close();
    onSqlite = undefined;

    target = await freshPostgresDatabase();
    const password = new URL(target.url).password;
    const moved = await runCli(CLI, ['--from', path.join(dir, 'app.db'), '--to', target.url], {
      DATA_DIR: dir,
    });
    expect(moved.stderr).toBe('');
    expect(moved.code).toBe(0);
    expect(moved.stdout).toMatch(/^sessions +1 +1$/m);
    expect(moved.stdout).toMatch(/^auth_keys +(\d+) +\1$/m);
    expect(moved.stdout).toMatch(/^messages +(\d+) +\1$/m);
    expect(moved.stdout).toMatch(/every count matches the source/);
    expect(moved.stdout).toMatch(/same DATA_ENCRYPTION_KEY/);
    expect(moved.stdout).toContain(':***@');
    expect(moved.stdout + moved.stderr).not.toContain(password);

    // A second run finds the target holding data: refused, exit code 1.
    const again = await runCli(CLI, ['--from', path.join(dir, 'app.db'), '--to', target.url], {
      DATA_DIR: dir,
    });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/The target database is not empty \(.*sessions: 1 row\(s\)/);
    expect(again.stdout + again.stderr).not.toContain(password);

    onPostgres = await startSandboxApp({ ...ENV, DATABASE_URL: target.url }, { link: false, dir });
    const pg = onPostgres;
    const session = await pg.waitForStatus('default', 'connected', 30_000);
    expect(session.phone).toBe(gw.account);
    expect(await qrShown(pg)).toBe(0);
    expect(pg.sandbox.accounts()).toHaveLength(1);

    expect(await messageById(pg, out.body.id)).toMatchObject({ direction: 'out', text: 'sebelum pindah 🚚' });
    expect(await messageById(pg, inbound.id)).toMatchObject({
      direction: 'in',
      text: 'balasan sebelum pindah',
    });

    const sent = await pg.post('/api/sessions/default/messages', {
      to: contact,
      type: 'text',
      text: 'sesudah pindah',
    });
    expect(sent.status).toBe(202);
    const got = await pg.sandbox.waitForReceived(contact, (m) => m.id === sent.body.waMessageId, 20_000);
    expect(got.text).toBe('sesudah pindah');
    const reply = await pg.sandbox.contactSend(contact, gw.account, { text: 'balasan sesudah pindah' });
    expect(await messageById(pg, reply.id)).toMatchObject({
      direction: 'in',
      text: 'balasan sesudah pindah',
    });

    // ... and all of it is in PostgreSQL.
    const client = new Client({ connectionString: target.url });
    await client.connect();
    try {
      const { rows } = await client.query(
        `SELECT id FROM messages WHERE id = ANY($1) OR wa_message_id = ANY($2)`,
        [
          [out.body.id, sent.body.id],
          [inbound.id, reply.id],
        ],
      );
      expect(rows).toHaveLength(4);
      const creds = await client.query(`SELECT value FROM auth_creds WHERE session_id = 'default'`);
      expect(creds.rows[0].value).toMatch(/^enc:v1:k1:/);
    } finally {
      await client.end();
    }
  });
});
