import { DEFAULT_CONNECTION_CONFIG } from '@whiskeysockets/baileys';
import { createServer as createHttpServer, type Server } from 'node:http';
import { startSandboxApp, SandboxApp } from '../support/sandbox-app';
import { waitUntil } from '../support/wait';
import { closedPort } from '../support/closed-port';

const BUILTIN = DEFAULT_CONNECTION_CONFIG.version.join('.');
const BACKOFF = { WA_RECONNECT_BASE_MS: '200', WA_RECONNECT_MAX_MS: '1000' };

interface Handshake {
  at: number;
  version: string;
  refused: boolean;
}

/** Records every handshake the sandbox sees from now on. */
function handshakes(t: SandboxApp): Handshake[] {
  const seen: Handshake[] = [];
  t.sandbox.events.on('client-version', (e: { version: string; refused: boolean }) =>
    seen.push({ at: Date.now(), ...e }),
  );
  return seen;
}

/**
 * The most connection attempts the reconnect backoff allows within `elapsedMs` of the first: each delay is at
 * least half its nominal value (jitter), and the nominal values only grow, so counting from attempt 0 bounds
 * any window (2 ms per step for timer rounding).
 */
function maxAttemptsWithin(elapsedMs: number, baseMs: number, maxMs: number): number {
  let attempts = 1;
  let t = 0;
  for (let k = 0; ; k++) {
    t += Math.min(maxMs, baseMs * 2 ** k) / 2 - 2;
    if (t > elapsedMs) return attempts;
    attempts++;
  }
}

describe('WhatsApp Web version', () => {
  describe('refused by WhatsApp (the sandbox with a minimum version)', () => {
    let t: SandboxApp;
    beforeAll(async () => {
      t = await startSandboxApp({ ...BACKOFF, SANDBOX_MIN_WA_VERSION: '9.0.0' }, { link: false });
    });
    afterAll(() => t.close());

    it('names the version in the reason, /health and the QR route, and retries with backoff', async () => {
      const seen = handshakes(t);
      const cause = `WhatsApp refused this client version (${BUILTIN}); set WA_VERSION or update`;
      const session = await waitUntil(
        async () => {
          const res = await t.get('/api/sessions/default');
          return res.body.reason?.startsWith(cause) ? res.body : null;
        },
        { timeoutMs: 30_000, what: 'the session reason to name the refused version' },
      );
      expect(session.status).toBe('disconnected');

      const health = await t.get('/health');
      expect(health.status).toBe(503);
      expect(health.body.error.whatsapp.reasons.default).toContain(cause);
      expect(health.body.error.whatsapp.failing).toContain('default');

      const qr = await t.get('/api/whatsapp/qr');
      expect(qr.status).toBe(503);
      expect(qr.body).toMatchObject({ error: 'WhatsApp refused this client version' });
      expect(qr.body.details).toContain(cause);

      // Attempts go on, but spaced by the backoff: never more than it allows in the time they took.
      await waitUntil(() => seen.length >= 5, { timeoutMs: 30_000, what: 'five refused attempts' });
      const window = [...seen];
      expect(window.every((h) => h.refused && h.version === BUILTIN)).toBe(true);
      const elapsed = window[window.length - 1].at - window[0].at;
      expect(window.length).toBeLessThanOrEqual(maxAttemptsWithin(elapsed, 200, 1000));

      // Once WhatsApp accepts the version again, the next attempt links as usual.
      const put = await t
        .http()
        .put('/api/sandbox/min-wa-version')
        .set('X-API-Key', t.apiKey)
        .send({ version: null });
      expect(put.body).toEqual({ minVersion: null });
      await t.waitForStatus('default', 'qr_ready');
      expect((await t.http().get('/health')).status).toBe(200);
    });

    it('the control route refuses a malformed version', async () => {
      const res = await t
        .http()
        .put('/api/sandbox/min-wa-version')
        .set('X-API-Key', t.apiKey)
        .send({ version: '2.x' });
      expect(res.status).toBe(400);
    });
  });

  describe('WA_VERSION=auto', () => {
    it('falls back to the built-in version when the lookup fails', async () => {
      const port = await closedPort();
      const t = await startSandboxApp(
        { WA_VERSION: 'auto', WA_VERSION_URL: `http://127.0.0.1:${port}/sw.js` },
        { link: false },
      );
      try {
        await t.waitForStatus('default', 'qr_ready', 30_000);
        const seen = handshakes(t);
        expect((await t.post('/api/sessions/default/restart')).status).toBe(200);
        await waitUntil(() => seen.length >= 1, { what: 'a new handshake' });
        expect(seen[0]).toMatchObject({ version: BUILTIN, refused: false });
      } finally {
        await t.close();
      }
    });

    it("logs in with the version WhatsApp Web's service worker names", async () => {
      let requests = 0;
      const sw: Server = createHttpServer((_req, res) => {
        requests++;
        res.writeHead(200, { 'content-type': 'text/javascript' });
        res.end(
          'self.__swData=JSON.parse(/*BTDS*/"{\\"dynamic_data\\":{\\"client_revision\\":1099999999}}");',
        );
      });
      await new Promise<void>((resolve) => sw.listen(0, '127.0.0.1', resolve));
      const { port } = sw.address() as { port: number };
      // The sandbox refuses the built-in version: only the fetched one gets a QR.
      const t = await startSandboxApp(
        {
          WA_VERSION: 'auto',
          WA_VERSION_URL: `http://127.0.0.1:${port}/sw.js`,
          SANDBOX_MIN_WA_VERSION: '2.3000.1099999999',
        },
        { link: false },
      );
      try {
        await t.waitForStatus('default', 'qr_ready', 30_000);
        expect(requests).toBe(1);
        const seen = handshakes(t);
        expect((await t.post('/api/sessions/default/restart')).status).toBe(200);
        await waitUntil(() => seen.length >= 1, { what: 'a new handshake' });
        expect(seen[0]).toMatchObject({ version: '2.3000.1099999999', refused: false });
      } finally {
        await t.close();
        await new Promise<void>((resolve) => sw.close(() => resolve()));
      }
    });
  });
});
