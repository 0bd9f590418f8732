import { MetricsServer } from '../../src/metrics/metrics.server';
import { startSandboxApp, SandboxApp } from '../support/sandbox-app';
import { waitUntil } from '../support/wait';
import { Receiver } from '../webhooks/support/receiver';
import { Scrape } from './support/prometheus-text';

const P = 'wa_gateway_';

describe('GET /metrics after a sandbox scenario', () => {
  let t: SandboxApp;
  const receiver = new Receiver();
  const contact = '6281155500001';
  const sender = '6281155500002';

  beforeAll(async () => {
    await receiver.listen();
    t = await startSandboxApp({
      SEND_MIN_INTERVAL_MS: '0',
      SEND_JITTER_MS: '0',
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
      WEBHOOK_RETRY_SCHEDULE: '0,0.1',
    });
  });
  afterAll(async () => {
    await t?.close();
    await receiver.close();
  });

  const scrape = async () => {
    const res = await t.get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.headers['cache-control']).toBe('no-store');
    return new Scrape(res.text);
  };

  it('counts a linked session, 5 sends, 2 incoming messages and a failed webhook attempt', async () => {
    // The endpoint's first answer is a 500: that attempt fails and is retried.
    receiver.respond = (_req, index) => (index === 0 ? { status: 500 } : { status: 200 });
    const endpoint = await t.post('/api/webhook-endpoints', {
      url: receiver.url,
      events: ['message.received'],
    });
    expect(endpoint.status).toBe(201);

    const sent: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await t.post('/api/sessions/default/messages', {
        to: contact,
        type: 'text',
        text: `m${i}`,
      });
      expect(res.status).toBe(202);
      sent.push(res.body.waMessageId);
    }
    for (const id of sent) await t.sandbox.waitForReceived(contact, (m) => m.id === id);
    await t.sandbox.contactSend(sender, t.account, { text: 'first' });
    await t.sandbox.contactSend(sender, t.account, { text: 'second' });
    await waitUntil(() => receiver.requests.length >= 3, { what: 'two webhooks, one of them retried' });

    // Receipts are counted as the messages record them (how many arrive is the sandbox's timing, not ours): one
    // read receipt per message with a read time; a delivery receipt per message with a delivery time, unless
    // its read receipt came first (and set both).
    const receiptsMatch = async (s: Scrape) => {
      const out = (await t.get('/api/sessions/default/messages?direction=out')).body.items as any[];
      const delivered = s.value(`${P}receipts_total`, { session: 'default', status: 'delivered' });
      const read = s.value(`${P}receipts_total`, { session: 'default', status: 'read' });
      const deliveredAt = out.filter((m) => m.deliveredAt).length;
      return (
        deliveredAt > 0 &&
        read === out.filter((m) => m.readAt).length &&
        delivered <= deliveredAt &&
        delivered + read >= deliveredAt
      );
    };
    const expected = async (s: Scrape) =>
      s.value(`${P}sends_total`, { session: 'default', outcome: 'sent' }) === 5 &&
      s.value(`${P}messages_received_total`, { session: 'default' }) === 2 &&
      s.value(`${P}webhook_deliveries_total`, { outcome: 'delivered' }) === 2 &&
      // An attempt is counted when it ends, its row moves on at the next commit.
      s.value(`${P}webhook_pending_deliveries`) === 0 &&
      (await receiptsMatch(s));
    let s = await scrape();
    try {
      await waitUntil(async () => expected((s = await scrape())), { what: 'the scenario in the metrics' });
    } catch (err) {
      const seen = ['sends_total', 'receipts_total', 'messages_received_total', 'webhook_deliveries_total']
        .flatMap((name) =>
          s.family(P + name).samples.map((x) => `${x.name}${JSON.stringify(x.labels)} ${x.value}`),
        )
        .join('\n');
      throw new Error(`${(err as Error).message}; last scrape:\n${seen}`);
    }

    const endpointId = endpoint.body.id as string;
    expect(s.value(`${P}sessions`, { status: 'connected' })).toBe(1);
    expect(s.value(`${P}session_status`, { session: 'default', status: 'connected' })).toBe(1);
    expect(s.value(`${P}session_status`, { session: 'default', status: 'qr_ready' })).toBe(0);
    expect(s.value(`${P}link_attempts_total`, { session: 'default', method: 'qr' })).toBeGreaterThanOrEqual(
      1,
    );
    // After the scan WhatsApp closes the pairing connection with "restart required" and the session reconnects.
    expect(
      s.value(`${P}session_reconnects_total`, { session: 'default', reason: 'restart_required' }),
    ).toBeGreaterThanOrEqual(1);
    expect(s.value(`${P}sends_total`, { outcome: 'failed' })).toBe(0);
    expect(s.value(`${P}sends_total`, { outcome: 'expired' })).toBe(0);
    expect(s.count(`${P}send_latency_seconds`, { session: 'default' })).toBe(5);
    expect(s.value(`${P}send_queue_depth`, { session: 'default' })).toBe(0);
    expect(s.value(`${P}send_queue_oldest_age_seconds`, { session: 'default' })).toBe(0);
    expect(s.value(`${P}messages_received_total`, { session: 'default', type: 'text' })).toBe(2);
    expect(s.value(`${P}webhook_deliveries_total`, { endpoint: endpointId, outcome: 'retrying' })).toBe(1);
    expect(s.value(`${P}webhook_deliveries_total`, { endpoint: endpointId, outcome: 'delivered' })).toBe(2);
    expect(s.value(`${P}webhook_deliveries_total`, { outcome: 'failed' })).toBe(0);
    expect(s.count(`${P}webhook_attempt_duration_seconds`, { endpoint: endpointId })).toBe(3);
    expect(s.value(`${P}webhook_pending_deliveries`, { endpoint: endpointId })).toBe(0);
    expect(s.value(`${P}webhook_failing_endpoints`)).toBe(0);
    expect(
      s.value(`${P}http_requests_total`, {
        method: 'POST',
        route: '/api/sessions/:session/messages',
        status: '202',
      }),
    ).toBe(5);
    expect(
      s.count(`${P}http_request_duration_seconds`, {
        method: 'POST',
        route: '/api/sessions/:session/messages',
      }),
    ).toBe(5);
    expect(s.count(`${P}db_commit_duration_seconds`, { engine: 'sqlite' })).toBeGreaterThan(0);
    expect(s.family('nodejs_eventloop_lag_seconds').type).toBe('gauge');
    expect(s.value('nodejs_heap_size_used_bytes')).toBeGreaterThan(0);

    // Route patterns only: no raw path, and no phone number anywhere.
    const routes = s.family(`${P}http_requests_total`).samples.map((x) => x.labels.route);
    expect(routes.every((r) => r === '(none)' || r.startsWith('/'))).toBe(true);
    expect(routes).not.toContain('/api/sessions/default/messages');
    for (const phone of [t.account, contact, sender]) {
      expect(phone).toMatch(/^\d{8,}$/);
      expect(s.text).not.toContain(phone);
    }
  });

  it('counts a failing endpoint and its waiting deliveries at scrape time', async () => {
    // The receiver holds its answers (500s) until released: meanwhile the delivery is in flight.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    receiver.respond = async () => {
      await held;
      return { status: 500 };
    };
    const before = await scrape();
    await t.sandbox.contactSend(sender, t.account, { text: 'third' });
    await waitUntil(async () => (await scrape()).value(`${P}webhook_pending_deliveries`) === 1, {
      what: 'the delivery in flight in the metrics',
    });
    release();
    const s = await waitUntil(
      async () => {
        const now = await scrape();
        return now.value(`${P}webhook_failing_endpoints`) === 1 &&
          now.value(`${P}webhook_deliveries_total`, { outcome: 'failed' }) === 1 &&
          now.value(`${P}webhook_pending_deliveries`) === 0
          ? now
          : null;
      },
      { what: 'the failed delivery in the metrics' },
    );
    expect(s.value(`${P}messages_received_total`)).toBe(before.value(`${P}messages_received_total`) + 1);
    expect(s.value(`${P}webhook_deliveries_total`, { outcome: 'retrying' })).toBe(
      before.value(`${P}webhook_deliveries_total`, { outcome: 'retrying' }) + 1,
    );
  });
});

describe('who may scrape /metrics', () => {
  it('needs the API key on the main port unless METRICS_PUBLIC=true', async () => {
    const t = await startSandboxApp({}, { link: false });
    try {
      const keyless = await t.http().get('/metrics');
      expect(keyless.status).toBe(401);
      expect(Object.keys(keyless.body).sort()).toEqual(['details', 'error']);
      expect((await t.http().get('/metrics').set('X-API-Key', 'wrong-key-0123456789')).status).toBe(401);
      const withKey = await t.http().get('/metrics').set('Authorization', `Bearer ${t.apiKey}`);
      expect(withKey.status).toBe(200);
      expect(new Scrape(withKey.text).family(`${P}sessions`).type).toBe('gauge');
      const doc = await t.http().get('/docs-json');
      expect(doc.body.paths['/metrics'].get.responses['200'].content['text/plain']).toBeDefined();
      expect(doc.body.paths['/metrics'].get.responses['401']).toBeDefined();

      // A pairing code counts as a linking attempt; the phone it was asked for appears nowhere.
      await t.waitForStatus('default', 'qr_ready');
      const phone = '6287770001234';
      expect((await t.post('/api/sessions/default/pairing-code', { phone })).status).toBe(200);
      const after = await t.get('/metrics');
      const s = new Scrape(after.text);
      expect(s.value(`${P}link_attempts_total`, { session: 'default', method: 'pairing_code' })).toBe(1);
      expect(s.value(`${P}link_attempts_total`, { session: 'default', method: 'qr' })).toBeGreaterThanOrEqual(
        1,
      );
      expect(s.value(`${P}session_status`, { session: 'default', status: 'qr_ready' })).toBe(1);
      expect(after.text).not.toContain(phone);
    } finally {
      await t.close();
    }
    const open = await startSandboxApp({ METRICS_PUBLIC: 'true' }, { link: false });
    try {
      const keyless = await open.http().get('/metrics');
      expect(keyless.status).toBe(200);
      expect(new Scrape(keyless.text).value(`${P}sessions`)).toBeGreaterThanOrEqual(1);
      expect((await open.http().get('/docs-json')).body.paths['/metrics']).toBeDefined();
    } finally {
      await open.close();
    }
  });

  it('serves it on METRICS_PORT only, with the same key rule', async () => {
    const t = await startSandboxApp({ METRICS_PORT: '0' }, { link: false });
    try {
      expect((await t.get('/metrics')).status).toBe(404);
      const port = t.app.get(MetricsServer).port;
      expect(port).toEqual(expect.any(Number));
      const url = `http://127.0.0.1:${port}`;
      const keyless = await fetch(`${url}/metrics`);
      expect(keyless.status).toBe(401);
      expect(Object.keys((await keyless.json()) as object).sort()).toEqual(['details', 'error']);
      const withKey = await fetch(`${url}/metrics`, { headers: { 'X-API-Key': t.apiKey } });
      expect(withKey.status).toBe(200);
      expect(new Scrape(await withKey.text()).family(`${P}send_queue_depth`).type).toBe('gauge');
      expect((await fetch(`${url}/api/info`, { headers: { 'X-API-Key': t.apiKey } })).status).toBe(404);
    } finally {
      await t.close();
    }
  });
});
