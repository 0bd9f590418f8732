import { HookReceiver } from '../console/hook-receiver';
import { startSandboxApp, SandboxApp } from '../support/sandbox-app';
import { waitUntil } from '../support/wait';

/**
 * GET /api/stats through the real app after a sandbox scenario: two sends read by the contact, one send to a
 * number not on WhatsApp, one incoming message delivered to two webhook endpoints, one of which answers 500.
 */
describe('GET /api/stats after a sandbox scenario', () => {
  let t: SandboxApp;
  const ok = new HookReceiver();
  const broken = new HookReceiver();
  const REASON = 'Recipient not on WhatsApp: 9991234568 has no WhatsApp account';

  async function waitStatus(id: string, status: string) {
    return waitUntil(
      async () =>
        (await t.get(`/api/sessions/default/messages/${id}`)).body.status === status ? true : null,
      { what: `message ${id} to be ${status}` },
    );
  }

  beforeAll(async () => {
    ok.status = 200;
    broken.status = 500;
    await Promise.all([ok.listen(), broken.listen()]);
    t = await startSandboxApp({
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
      WEBHOOK_RETRY_SCHEDULE: '0',
      WEBHOOK_POLL_INTERVAL_MS: '100',
    });
    const endpoints: string[] = [];
    for (const r of [ok, broken]) {
      const res = await t.post('/api/webhook-endpoints', { url: r.url, events: ['message.received'] });
      expect(res.status).toBe(201);
      endpoints.push(res.body.id);
    }

    const sends = [];
    for (const to of ['6281100000009', '6281100000010', '9991234568'])
      sends.push(await t.post('/api/sessions/default/messages', { to, type: 'text', text: `hi ${to}` }));
    for (const s of sends) expect(s.status).toBe(202);
    await waitStatus(sends[0].body.id, 'read');
    await waitStatus(sends[1].body.id, 'read');
    await waitStatus(sends[2].body.id, 'failed');

    await t.post('/api/sandbox/contacts/6281100000302/messages', { text: 'Halo', session: 'default' });
    await waitUntil(
      async () => {
        const items: { status: string }[] = [];
        for (const id of endpoints)
          items.push(...(await t.get(`/api/webhook-endpoints/${id}/deliveries`)).body.items);
        return items.length === 2 && items.every((i) => i.status === 'delivered' || i.status === 'failed')
          ? true
          : null;
      },
      { what: 'both webhook deliveries to finish' },
    );
  });

  afterAll(async () => {
    await t?.close();
    await Promise.all([ok.close(), broken.close()]);
  });

  it('answers exact totals, per-bucket counts that add up to them, and the queue depth', async () => {
    const res = await t.get('/api/stats');
    expect(res.status).toBe(200);
    const s = res.body;
    expect(s.bucket).toBe('hour');
    expect(s.session).toBeNull();
    expect(s.buckets).toHaveLength((Date.parse(s.to) - Date.parse(s.from)) / 3_600_000);
    expect(s.totals.messages).toEqual({
      in: 1,
      out: 3,
      sent: 2,
      delivered: 2,
      read: 2,
      failed: 1,
      pending: 0,
      deliveryRate: 1,
      readRate: 1,
    });
    expect(s.totals.failureReasons).toEqual([{ reason: REASON, count: 1 }]);
    const sum = (k: string) => s.buckets.reduce((a: number, b: any) => a + b.messages[k], 0);
    expect([sum('in'), sum('out'), sum('failed')]).toEqual([1, 3, 1]);
    expect(s.totals.webhooks).toMatchObject({ attempts: 2, succeeded: 1, successRate: 0.5 });
    expect(typeof s.totals.webhooks.p50Ms).toBe('number');
    expect(typeof s.totals.webhooks.p95Ms).toBe('number');
    expect(s.totals.webhookDeliveries).toEqual({ delivered: 1, failed: 1, pending: 0, successRate: 0.5 });
    expect(s.queue).toEqual([{ session: 'default', depth: 0 }]);
  });

  it('filters by session and answers by day', async () => {
    const mine = (await t.get('/api/stats?bucket=day&session=default')).body;
    expect(mine.buckets).toHaveLength((Date.parse(mine.to) - Date.parse(mine.from)) / 86_400_000);
    expect(mine.from.endsWith('T00:00:00.000Z')).toBe(true);
    expect(mine.totals.messages).toMatchObject({ in: 1, out: 3, failed: 1 });
    const other = (await t.get('/api/stats?session=sales')).body;
    expect(other.totals.messages).toMatchObject({ in: 0, out: 0, deliveryRate: null });
    expect(other.totals.failureReasons).toEqual([]);
    expect(other.queue).toEqual([{ session: 'sales', depth: 0 }]);
  });

  it('answers 400 {error, details} for bad input and 401 without the key', async () => {
    for (const q of [
      'bucket=week',
      'from=yesterday',
      'to=2026-13-40',
      'from=2026-11-02&to=2026-11-01',
      'from=2026-01-01&to=2026-02-01&bucket=hour',
      'from=2024-01-01&to=2026-01-01&bucket=day',
      'session=not%20a%20session',
      'reasons=0',
      'reasons=51',
      'extra=1',
    ]) {
      const res = await t.get(`/api/stats?${q}`);
      expect([q, res.status]).toEqual([q, 400]);
      expect(res.body).toEqual({ error: expect.any(String), details: expect.anything() });
    }
    expect((await t.http().get('/api/stats')).status).toBe(401);
  });

  it("serves the console's chart library from its npm package, without the key", async () => {
    const res = await t.http().get('/vendor/chart.umd.min.js');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.text).toContain('Chart.js v4');
    expect((await t.http().get('/vendor/__proto__')).status).toBe(404);
  });

  it('is described in the OpenAPI document with its query and an example answer', async () => {
    const doc = (await t.http().get('/docs-json').expect(200)).body;
    const op = doc.paths['/api/stats'].get;
    expect(op.parameters.map((p: { name: string }) => p.name).sort()).toEqual([
      'bucket',
      'from',
      'reasons',
      'session',
      'to',
    ]);
    expect(op.responses['200'].content['application/json'].example.totals.messages.deliveryRate).toBe(0.875);
  });
});
