import * as fs from 'node:fs';
import * as path from 'node:path';
import { FieldCipher } from '../../src/secrets/field-cipher';
import { PNG } from 'pngjs';
import jsQR from 'jsqr';
import { SqlAuthStateStore } from '../../src/whatsapp/auth-state/sql-auth-state.store';
import { startSandboxApp, SandboxApp } from '../support/sandbox-app';
import { tempDir } from '../support/test-app';
import { waitUntil } from '../support/wait';
import { linkWithMultiFileAuth } from '../support/legacy-auth-folder';
import { importSessionFolder } from '../../src/whatsapp/import/session-import';
import { SessionManager } from '../../src/whatsapp/sessions/session-manager';
import { SqlDatabase } from '../../src/database/sql/sql';

function authRows(t: SandboxApp, session: string): Promise<number> {
  return new SqlAuthStateStore(t.app.get(SqlDatabase), session, t.app.get(FieldCipher)).countRows();
}

describe('sessions against the sandbox', () => {
  it('shows a QR (string and a PNG that decodes to it), links on scan, and survives a restart without a QR', async () => {
    const dir = tempDir('gw-sess-');
    let t = await startSandboxApp({}, { link: false, dir });
    try {
      const qrRes = await waitUntil(
        async () => {
          const r = await t.get('/api/whatsapp/qr');
          return r.status === 200 ? r : null;
        },
        { what: 'the seed QR route' },
      );
      const qr: string = qrRes.body.qr;
      expect(Object.keys(qrRes.body)).toEqual(['qr']);
      expect(qr).toMatch(/,/);
      const status = await t.get('/api/whatsapp/status');
      expect(status.body).toEqual({ status: 'qr_ready', connected: false, qr });

      const png = await t
        .get('/api/sessions/default/qr.png')
        .buffer(true)
        .parse((res, cb) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => cb(null, Buffer.concat(chunks)));
        });
      expect(png.status).toBe(200);
      expect(png.headers['content-type']).toBe('image/png');
      const image = PNG.sync.read(png.body);
      const decoded = jsQR(new Uint8ClampedArray(image.data), image.width, image.height);
      expect(decoded?.data).toBe(qr);

      const json = await t.get('/api/sessions/default/qr');
      expect(json.body.qr).toBe(qr);
      expect(json.body.dataUrl).toMatch(/^data:image\/png;base64,/);

      const phone = await t.link('default');
      const seed = await t.get('/api/whatsapp/status');
      expect(seed.body).toEqual({ status: 'connected', connected: true, qr: null });
      const notAvailable = await t.get('/api/whatsapp/qr');
      expect(notAvailable.status).toBe(404);
      expect(notAvailable.body.error).toBe('QR code not available');

      await t.close();
      t = await startSandboxApp({}, { link: false, dir });
      const back = await t.waitForStatus('default', 'connected');
      expect(back.phone).toBe(phone);
      expect(back.qr).toBeNull();
    } finally {
      await t.close();
    }
  });

  it('reconnects after the sandbox drops the connection 20 times', async () => {
    const t = await startSandboxApp();
    try {
      for (let i = 0; i < 20; i++) {
        const before = t.sandbox.accounts()[0];
        expect(before.devices[0].connected).toBe(true);
        const drop = await t.post('/api/sandbox/sessions/default/disconnect');
        expect(drop.status).toBe(200);
        await waitUntil(
          async () => {
            const r = await t.get('/api/sessions/default');
            return r.body.status !== 'connected' ? r.body : null;
          },
          { what: `drop ${i + 1} to be noticed` },
        ).catch(() => undefined);
        await t.waitForStatus('default', 'connected');
        await waitUntil(() => t.sandbox.isConnected(t.account), { what: `reconnect ${i + 1}` });
      }
      const s = await t.get('/api/sessions/default');
      expect(s.body).toMatchObject({ status: 'connected', phone: t.account });
    } finally {
      await t.close();
    }
  });

  it('logout unlinks, wipes the auth rows and a restart of the session shows a fresh QR', async () => {
    const t = await startSandboxApp();
    try {
      expect(await authRows(t, 'default')).toBeGreaterThan(0);
      const out = await t.post('/api/whatsapp/logout');
      expect(out.status).toBe(200);
      expect(out.body).toEqual({ success: true, message: 'Logged out successfully' });
      const s = await t.get('/api/sessions/default');
      expect(s.body.status).toBe('logged_out');
      expect((await t.get('/api/whatsapp/status')).body).toEqual({
        status: 'disconnected',
        connected: false,
        qr: null,
      });
      expect(await authRows(t, 'default')).toBe(0);
      const restart = await t.post('/api/sessions/default/restart');
      expect(restart.status).toBe(200);
      await t.waitForStatus('default', 'qr_ready');
      const qr = await t.get('/api/sessions/default/qr');
      expect(qr.status).toBe(200);
    } finally {
      await t.close();
    }
  });

  it('stop keeps the link and holds the queue, across a restart too; start sends what waited', async () => {
    const dir = tempDir('gw-stop-');
    const env = { SEND_MIN_INTERVAL_MS: '0', SEND_JITTER_MS: '0' };
    let t = await startSandboxApp(env, { dir });
    const contact = '6281100000021';
    try {
      const stopped = await t.post('/api/sessions/default/stop');
      expect(stopped.status).toBe(200);
      expect(stopped.body).toMatchObject({
        status: 'disconnected',
        connected: false,
        reason: 'Stopped',
        stopped: true,
        phone: t.account,
      });
      expect(t.sandbox.isConnected(t.account)).toBe(false);
      const sent = await t.post('/api/sessions/default/messages', {
        to: contact,
        type: 'text',
        text: 'held',
      });
      expect(sent.status).toBe(202);
      expect((await t.get('/api/sessions/default')).body.queueDepth).toBe(1);
      const qr = await t.get('/api/sessions/default/qr');
      expect(qr.status).toBe(409);
      expect(qr.body).toEqual({
        error: 'Session stopped',
        details: 'Start it first: POST /api/sessions/default/start',
      });

      // A restart of the gateway does not reopen it.
      await t.close();
      t = await startSandboxApp(env, { link: false, dir });
      const after = await t.get('/api/sessions/default');
      expect(after.body).toMatchObject({ status: 'disconnected', stopped: true, queueDepth: 1 });
      expect(t.sandbox.isConnected(t.account || after.body.phone)).toBe(false);
      expect(t.sandbox.received(contact)).toHaveLength(0);

      const started = await t.post('/api/sessions/default/start');
      expect(started.status).toBe(200);
      expect(started.body.stopped).toBe(false);
      await t.waitForStatus('default', 'connected');
      const arrived = await t.sandbox.waitForReceived(contact, (m) => m.text === 'held');
      expect(arrived.id).toBe(sent.body.waMessageId);
      await waitUntil(
        async () => ((await t.get('/api/sessions/default')).body.queueDepth === 0 ? true : null),
        {
          what: 'an empty queue',
        },
      );
      expect((await t.post('/api/sessions/nope/stop')).status).toBe(404);
    } finally {
      await t.close();
    }
  });

  it('a phone-side unlink logs the session out', async () => {
    const t = await startSandboxApp();
    try {
      t.sandbox.unlink(t.account);
      await t.waitForStatus('default', 'logged_out');
      expect(await authRows(t, 'default')).toBe(0);
    } finally {
      await t.close();
    }
  });

  it('links two sessions independently; validates ids; refuses to delete default', async () => {
    const t = await startSandboxApp();
    try {
      const bad = await t.post('/api/sessions', { id: 'no spaces!' });
      expect(bad.status).toBe(400);
      const unknown = await t.post('/api/sessions', { id: 'x', extra: 'VALUE' });
      expect(unknown.status).toBe(400);
      expect(unknown.body.details).toContain('extra');
      expect(JSON.stringify(unknown.body)).not.toContain('VALUE');

      const created = await t.post('/api/sessions', { id: 'sales' });
      expect(created.status).toBe(201);
      expect((await t.post('/api/sessions', { id: 'sales' })).status).toBe(409);
      const salesPhone = await t.link('sales');
      expect(salesPhone).not.toBe(t.account);
      const list = await t.get('/api/sessions');
      expect(list.body.map((s: any) => [s.id, s.status])).toEqual([
        ['default', 'connected'],
        ['sales', 'connected'],
      ]);
      await t.post('/api/sessions/sales/logout');
      await t.waitForStatus('sales', 'logged_out');
      expect((await t.get('/api/sessions/default')).body.status).toBe('connected');
      const del = await t.http().delete('/api/sessions/default').set('X-API-Key', t.apiKey);
      expect(del.status).toBe(409);
      const delSales = await t.http().delete('/api/sessions/sales').set('X-API-Key', t.apiKey);
      expect(delSales.status).toBe(204);
      expect((await t.get('/api/sessions/sales')).status).toBe(404);
    } finally {
      await t.close();
    }
  });

  it('/health reports the WhatsApp sessions to callers with the key, and only counts to others', async () => {
    const t = await startSandboxApp();
    try {
      const h = await t.get('/health');
      expect(h.status).toBe(200);
      expect(h.body.details.whatsapp).toMatchObject({ status: 'up', sessions: { default: 'connected' } });
      const keyless = await t.http().get('/health');
      expect(keyless.status).toBe(200);
      // PostgreSQL adds the cluster's check (its node's heartbeat).
      const checks = process.env.TEST_DB_ENGINE === 'postgres' ? 4 : 3;
      expect(keyless.body).toEqual({ status: 'ok', checks: { up: checks, down: 0 } });
    } finally {
      await t.close();
    }
  });
});

describe('QR rotation', () => {
  it('rotates QRs, rests after a bounded number, and a QR request starts a new pairing attempt', async () => {
    const t = await startSandboxApp({ WA_QR_TIMEOUT_MS: '1000' }, { link: false });
    try {
      const seen = new Set<string>();
      const rested = await waitUntil(
        async () => {
          const s = (await t.get('/api/sessions/default')).body;
          if (s.qr) seen.add(s.qr);
          return s.status === 'disconnected' && /QR/.test(s.reason ?? '') ? s : null;
        },
        { timeoutMs: 30_000, intervalMs: 100, what: 'the session to rest after its QRs' },
      );
      expect(seen.size).toBeGreaterThanOrEqual(2);
      expect(seen.size).toBeLessThanOrEqual(6);
      const rt = t.app.get(SessionManager).get('default')!;
      expect(rt.conn).toBeNull();
      expect(rt.reconnectTimer).toBeNull();
      expect(rested.qr).toBeNull();
      const again = await t.get('/api/sessions/default/qr');
      expect(again.status).toBe(200);
      expect(seen.has(again.body.qr)).toBe(false);
    } finally {
      await t.close();
    }
  });
});

describe('pairing code', () => {
  it('links with an 8-character code entered on the simulated phone', async () => {
    const t = await startSandboxApp({}, { link: false });
    try {
      await t.waitForStatus('default', 'qr_ready');
      const phone = '6289990001234'.replace('999', '777');
      const res = await t.post('/api/sessions/default/pairing-code', { phone });
      expect(res.status).toBe(200);
      expect(res.body.code).toMatch(/^[A-Z0-9]{8}$/);
      await t.sandbox.enterPairingCode(phone, res.body.code);
      const s = await t.waitForStatus('default', 'connected');
      expect(s.phone).toBe(phone);
      const bad = await t.post('/api/sessions/default/pairing-code', { phone: '+62 812' });
      expect(bad.status).toBe(400);
    } finally {
      await t.close();
    }
  });
});

describe('import of a Baileys auth folder', () => {
  it('an imported auth_info_baileys folder connects without a QR', async () => {
    // The folder is produced the way the seed produced it: Baileys' own multi-file store, linked by a scan.
    const dir = tempDir('gw-imp-');
    const t = await startSandboxApp({}, { link: false, dir });
    try {
      const folder = path.join(dir, 'auth_info_baileys');
      const phone = await linkWithMultiFileAuth(t.sandbox, folder);
      expect(fs.existsSync(path.join(folder, 'creds.json'))).toBe(true);
      await t.close();
      await importSessionFolder({ from: folder, session: 'imported', config: t.config });
      const t2 = await startSandboxApp({}, { link: false, dir });
      try {
        const s = await t2.waitForStatus('imported', 'connected');
        expect(s.phone).toBe(phone);
        expect(s.qr).toBeNull();
      } finally {
        await t2.close();
      }
    } finally {
      await t.close().catch(() => undefined);
    }
  });
});
