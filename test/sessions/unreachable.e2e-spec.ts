import { Logger } from '@nestjs/common';
import { startTestApp, TestApp, TEST_API_KEY } from '../support/test-app';
import { waitUntil } from '../support/wait';
import { closedPort } from '../support/closed-port';

describe('WhatsApp cannot be reached', () => {
  let t: TestApp;
  let port: number;
  const warn = jest.spyOn(Logger.prototype, 'warn');
  beforeAll(async () => {
    port = await closedPort();
    t = await startTestApp({
      WA_WEBSOCKET_URL: `ws://127.0.0.1:${port}/ws/chat`,
      WA_RECONNECT_BASE_MS: '200',
      WA_RECONNECT_MAX_MS: '1000',
    });
  });
  afterAll(async () => {
    warn.mockRestore();
    await t.close();
  });
  const get = (path: string) => t.http().get(path).set('X-API-Key', TEST_API_KEY);

  it('says so in the session reason, the log, /health and the QR routes (503, not a bare 404)', async () => {
    const cause = `Cannot reach WhatsApp (ECONNREFUSED 127.0.0.1:${port})`;
    const session = await waitUntil(
      async () => {
        const res = await get('/api/sessions/default');
        return res.body.reason?.startsWith(cause) ? res.body : null;
      },
      { timeoutMs: 30_000, what: 'the session reason to name the cause' },
    );
    expect(session.status).toBe('disconnected');

    const qr = await get('/api/whatsapp/qr');
    expect(qr.status).toBe(503);
    expect(qr.body.error).toBe('Cannot reach WhatsApp');
    expect(qr.body.details).toContain(cause);
    const full = await get('/api/sessions/default/qr');
    expect(full.status).toBe(503);
    expect(full.body.details).toContain(cause);

    // The session keeps retrying (starting <-> disconnected): /health names the cause while it is disconnected.
    await waitUntil(
      async () => {
        const health = await get('/health');
        const whatsapp = health.body.info?.whatsapp ?? health.body.error?.whatsapp;
        return String(whatsapp?.reasons?.default ?? '').includes(cause) || null;
      },
      { timeoutMs: 30_000, what: '/health to name the cause' },
    );

    expect(warn.mock.calls.some(([msg]) => String(msg).includes(`[default] ${cause}`))).toBe(true);
  });
});
