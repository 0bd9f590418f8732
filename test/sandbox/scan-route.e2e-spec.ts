import { startSandboxApp, SandboxApp } from '../support/sandbox-app';
import { waitUntil } from '../support/wait';

/** POST /api/sandbox/sessions/:id/scan once a QR is there; answers the scan's response. */
const scan = (t: SandboxApp, session: string, body: object = {}) =>
  waitUntil(
    async () => {
      const res = await t.post(`/api/sandbox/sessions/${session}/scan`, body);
      return res.status === 409 && /No QR/.test(res.body.error) ? null : res;
    },
    { timeoutMs: 20_000, intervalMs: 200, what: `a QR to scan for ${session}` },
  );

describe('sandbox scan route', () => {
  let t: SandboxApp;
  beforeAll(async () => {
    t = await startSandboxApp({}, { link: false });
  });
  afterAll(() => t.close());

  it('links the same number every time and returns once the session is connected', async () => {
    const first = await scan(t, 'default');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ session: 'default', phone: '6280000000001', status: 'connected' });
    // The next call (the README's) already says connected.
    expect((await t.get('/api/whatsapp/status')).body).toMatchObject({
      status: 'connected',
      connected: true,
    });

    expect((await t.post('/api/whatsapp/logout')).status).toBe(200);
    const again = await scan(t, 'default');
    expect(again.body).toMatchObject({ phone: '6280000000001', lid: first.body.lid, status: 'connected' });
  });

  it('links the phone asked for; other sessions get numbers of their own', async () => {
    expect((await t.post('/api/sessions', { id: 'sales' })).status).toBe(201);
    const chosen = await scan(t, 'sales', { phone: '6281999000111', pushName: 'Toko Sales' });
    expect(chosen.body).toMatchObject({ session: 'sales', phone: '6281999000111', status: 'connected' });
    expect((await t.get('/api/sessions/sales')).body).toMatchObject({
      status: 'connected',
      phone: '6281999000111',
    });

    expect((await t.post('/api/sessions', { id: 'support' })).status).toBe(201);
    const own = await scan(t, 'support');
    expect(own.body.phone).toMatch(/^6289\d{9}$/);
    expect(own.body.status).toBe('connected');
  });

  it('refuses a malformed phone with 400', async () => {
    for (const phone of ['0812345678', '12ab', '9991234567', 6281234567890]) {
      const res = await t.post('/api/sandbox/sessions/default/scan', { phone });
      expect(res.status).toBe(400);
      expect(res.body.error).toBeTruthy();
    }
  });
});
