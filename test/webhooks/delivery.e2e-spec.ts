import { Webhook } from 'standardwebhooks';
import { startTestApp, TestApp } from '../support/test-app';
import { waitUntil } from '../support/wait';
import { freePort, Receiver } from './support/receiver';
import { SqlDatabase } from '../../src/database/sql/sql';
import { newEvent } from '../../src/events/domain-event';
import { EventBus } from '../../src/events/event-bus';
import { api, publish, removeAllEndpoints } from './support/webhook-helpers';

const message = (text: string) => ({
  id: `msg_${Math.random().toString(36).slice(2)}`,
  session: 'default',
  direction: 'in',
  chat: '6281234567890@s.whatsapp.net',
  from: {
    phone: '6281234567890',
    lid: '100000000000001@lid',
    jid: '6281234567890@s.whatsapp.net',
    pushName: 'Budi',
  },
  type: 'text',
  text,
});

describe('webhook delivery', () => {
  let t: TestApp;
  const receivers: Receiver[] = [];
  async function receiver(port = 0): Promise<Receiver> {
    const r = new Receiver();
    await r.listen(port);
    receivers.push(r);
    return r;
  }

  beforeAll(async () => {
    t = await startTestApp({
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
      WEBHOOK_RETRY_SCHEDULE: '0,0.05,0.05,0.05,0.1,0.2,0.3,0.3',
      WEBHOOK_TIMEOUT_MS: '2000',
      WEBHOOK_POLL_INTERVAL_MS: '200',
    });
  });
  afterEach(async () => {
    await removeAllEndpoints(t);
    for (const r of receivers.splice(0)) await r.close();
  });
  afterAll(() => t.close());

  it('delivers a message.received event signed so that standardwebhooks verifies it; other subscribers get nothing', async () => {
    const a = api(t);
    const subscribed = await receiver();
    const other = await receiver();
    const { body: e } = await a
      .post('/api/webhook-endpoints', { url: subscribed.url, events: ['message.received'] })
      .expect(201);
    const { body: o } = await a
      .post('/api/webhook-endpoints', { url: other.url, events: ['message.status'] })
      .expect(201);
    const event = await publish(t, 'message.received', message('Hello'));
    const req = await waitUntil(() => subscribed.requests[0]);
    const verified = new Webhook(e.secret).verify(req.body, req.headers as Record<string, string>);
    expect(verified).toEqual({
      id: event.id,
      type: 'message.received',
      session: 'default',
      timestamp: event.timestamp,
      data: event.data,
    });
    expect(req.headers['webhook-id']).toBe(event.id);
    expect(req.headers['content-type']).toBe('application/json');
    await waitUntil(async () => {
      const res = await a.get(`/api/webhook-endpoints/${e.id}/deliveries`);
      return res.body.items[0]?.status === 'delivered';
    });
    const otherLog = await a.get(`/api/webhook-endpoints/${o.id}/deliveries`).expect(200);
    expect(otherLog.body.items).toEqual([]);
    expect(other.requests).toHaveLength(0);
  });

  it('a rolled-back transaction delivers nothing and gives its delivery slot back at once', async () => {
    // One slot per endpoint and a lease far longer than the wait below: a slot kept by the rolled-back
    // hand-over would hold the next event back until that lease ran out.
    const one = await startTestApp({
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
      WEBHOOK_CONCURRENCY: '1',
      WEBHOOK_TIMEOUT_MS: '60000',
    });
    try {
      const r = await receiver();
      await api(one)
        .post('/api/webhook-endpoints', { url: r.url, events: ['message.received'] })
        .expect(201);
      const rolledBack = newEvent('message.received', 'default', message('never'));
      await expect(
        one.app.get(SqlDatabase).write(function* () {
          yield* one.app.get(EventBus).record(rolledBack);
          throw new Error('the source row failed');
        }),
      ).rejects.toThrow('the source row failed');
      const next = await publish(one, 'message.received', message('after the rollback'));
      await waitUntil(() => r.requests.length >= 1, { timeoutMs: 10_000 });
      expect(r.requests.map((q) => JSON.parse(q.body).id)).toEqual([next.id]);
    } finally {
      await one.close();
    }
  });

  it('500 three times then 200: delivered once, 4 attempts logged, same webhook-id each time', async () => {
    const a = api(t);
    const r = await receiver();
    r.respond = (_req, i) => (i < 3 ? { status: 500, body: 'boom' } : { status: 200, body: 'ok' });
    const { body: e } = await a
      .post('/api/webhook-endpoints', { url: r.url, events: ['message.received'] })
      .expect(201);
    const event = await publish(t, 'message.received', message('retry me'));
    const delivery = await waitUntil(async () => {
      const res = await a.get(`/api/webhook-endpoints/${e.id}/deliveries?status=delivered`);
      return res.body.items[0];
    });
    expect(r.requests).toHaveLength(4);
    expect(new Set(r.requests.map((q) => q.headers['webhook-id']))).toEqual(new Set([event.id]));
    expect(delivery).toMatchObject({
      eventId: event.id,
      status: 'delivered',
      attempts: 4,
      lastStatusCode: 200,
    });
    expect(delivery.attemptLog.map((x: any) => [x.attempt, x.statusCode, x.success])).toEqual([
      [1, 500, false],
      [2, 500, false],
      [3, 500, false],
      [4, 200, true],
    ]);
    expect(delivery.attemptLog[0]).toMatchObject({ response: 'boom', error: 'HTTP 500' });
    expect(delivery.attemptLog[0].durationMs).toBeGreaterThanOrEqual(0);
  });

  it('gives up after the last scheduled attempt; a manual retry then delivers it', async () => {
    const a = api(t);
    const r = await receiver();
    let up = false;
    r.respond = () => (up ? { status: 204 } : { status: 503, body: 'maintenance' });
    const { body: e } = await a
      .post('/api/webhook-endpoints', { url: r.url, events: ['message.sent'] })
      .expect(201);
    await publish(t, 'message.sent', message('out'));
    const failed = await waitUntil(
      async () => (await a.get(`/api/webhook-endpoints/${e.id}/deliveries?status=failed`)).body.items[0],
    );
    expect(failed.attempts).toBe(8);
    up = true;
    const retried = await a.post(`/api/webhook-deliveries/${failed.id}/retry`).expect(202);
    expect(retried.body.id).toBe(failed.id);
    const done = await waitUntil(async () => {
      const res = await a.get(`/api/webhook-deliveries/${failed.id}`);
      return res.body.status === 'delivered' ? res.body : null;
    });
    expect(done.attempts).toBe(9);
    expect(r.ids().size).toBe(1);
  });

  it('receiver down for a while: deliveries wait and arrive when it comes back', async () => {
    const a = api(t);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/hook`;
    const { body: e } = await a
      .post('/api/webhook-endpoints', { url, events: ['message.received'] })
      .expect(201);
    const events = [
      await publish(t, 'message.received', message('one')),
      await publish(t, 'message.received', message('two')),
    ];
    await waitUntil(async () => {
      const res = await a.get(`/api/webhook-endpoints/${e.id}/deliveries`);
      return res.body.items.every((d: any) => d.attempts >= 2) && res.body.items.length === 2;
    });
    const log = await a.get(`/api/webhook-endpoints/${e.id}/deliveries`);
    expect(log.body.items[0].attemptLog[0]).toMatchObject({ statusCode: null, success: false });
    expect(log.body.items[0].attemptLog[0].error).toMatch(/ECONNREFUSED/);
    const r = await receiver(port);
    await waitUntil(() => r.ids().size === 2, { what: 'both events after the receiver came back' });
    expect(r.ids()).toEqual(new Set(events.map((x) => x.id)));
  });

  it('410 Gone disables the endpoint and announces webhook.endpoint_disabled', async () => {
    const a = api(t);
    const gone = await receiver();
    gone.respond = () => ({ status: 410 });
    const watcher = await receiver();
    const { body: e } = await a.post('/api/webhook-endpoints', {
      url: gone.url,
      events: ['message.received'],
    });
    const { body: w } = await a.post('/api/webhook-endpoints', {
      url: watcher.url,
      events: ['webhook.endpoint_disabled'],
    });
    await publish(t, 'message.received', message('to a gone endpoint'));
    const announced = await waitUntil(() => watcher.requests[0]);
    const body = new Webhook(w.secret).verify(
      announced.body,
      announced.headers as Record<string, string>,
    ) as any;
    expect(body).toMatchObject({
      type: 'webhook.endpoint_disabled',
      session: null,
      data: { endpointId: e.id, url: gone.url, reason: 'gone' },
    });
    const after = await a.get(`/api/webhook-endpoints/${e.id}`).expect(200);
    expect(after.body).toMatchObject({ enabled: false, disabledReason: 'gone' });
    expect(gone.requests).toHaveLength(1);
    // Events while disabled are not delivered; recover after re-enabling sends what was missed.
    const since = new Date().toISOString();
    const missed = await publish(t, 'message.received', message('while disabled'));
    await a.patch(`/api/webhook-endpoints/${e.id}`, { enabled: true }).expect(200);
    gone.respond = () => ({ status: 200 });
    const recovered = await a.post(`/api/webhook-endpoints/${e.id}/recover`, { since }).expect(202);
    expect(recovered.body).toEqual({ requeued: 0, created: 1 });
    await waitUntil(() => gone.ids().has(missed.id) && gone.ids().size === 2);
  });

  it('does not follow redirects: a 3xx is a failed attempt', async () => {
    const a = api(t);
    const target = await receiver();
    const r = await receiver();
    r.respond = (_req, i) => (i === 0 ? { status: 307, headers: { Location: target.url } } : { status: 200 });
    const { body: e } = await a
      .post('/api/webhook-endpoints', { url: r.url, events: ['message.received'] })
      .expect(201);
    await publish(t, 'message.received', message('redirected'));
    const delivery = await waitUntil(
      async () => (await a.get(`/api/webhook-endpoints/${e.id}/deliveries?status=delivered`)).body.items[0],
    );
    expect(delivery.attemptLog.map((x: any) => x.statusCode)).toEqual([307, 200]);
    expect(target.requests).toHaveLength(0);
  });

  it('honours Retry-After on 429', async () => {
    const a = api(t);
    const r = await receiver();
    r.respond = (_req, i) => (i === 0 ? { status: 429, headers: { 'Retry-After': '1' } } : { status: 200 });
    await a.post('/api/webhook-endpoints', { url: r.url, events: ['message.status'] }).expect(201);
    await publish(t, 'message.status', { id: 'msg_1', status: 'delivered' });
    await waitUntil(() => r.requests.length === 2, { timeoutMs: 5000 });
    expect(r.requests[1].at - r.requests[0].at).toBeGreaterThanOrEqual(900);
  });

  it('an endpoint that keeps failing past WEBHOOK_DISABLE_AFTER_SECONDS is disabled', async () => {
    const t2 = await startTestApp({
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
      WEBHOOK_RETRY_SCHEDULE: '0,0.4,0.4,0.4,0.4',
      WEBHOOK_DISABLE_AFTER_SECONDS: '1',
    });
    try {
      const a = api(t2);
      const r = await receiver();
      r.respond = () => ({ status: 500 });
      const { body: e } = await a
        .post('/api/webhook-endpoints', { url: r.url, events: ['message.received'] })
        .expect(201);
      await publish(t2, 'message.received', message('never accepted'));
      const disabled = await waitUntil(async () => {
        const res = await a.get(`/api/webhook-endpoints/${e.id}`);
        return res.body.enabled === false ? res.body : null;
      });
      expect(disabled.disabledReason).toBe('failing');
      expect(r.requests.length).toBeGreaterThanOrEqual(3);
    } finally {
      await t2.close();
    }
  });

  it('POST /test sends an example event and answers with the attempt', async () => {
    const a = api(t);
    const r = await receiver();
    const { body: e } = await a.post('/api/webhook-endpoints', { url: r.url, events: ['session.status'] });
    const res = await a.post(`/api/webhook-endpoints/${e.id}/test`).expect(200);
    expect(res.body).toMatchObject({ status: 'delivered', eventType: 'message.received', attempts: 1 });
    expect(res.body.attemptLog[0]).toMatchObject({ statusCode: 200, success: true });
    const payload = new Webhook(e.secret).verify(r.requests[0].body, r.requests[0].headers as any) as any;
    expect(payload.data.text).toMatch(/test event/);
  });

  it('paginates the delivery log newest first and filters by status', async () => {
    const a = api(t);
    const r = await receiver();
    const { body: e } = await a.post('/api/webhook-endpoints', { url: r.url, events: ['message.received'] });
    for (let i = 0; i < 5; i++) await publish(t, 'message.received', message(`m${i}`));
    await waitUntil(() => r.ids().size === 5);
    const first = await a.get(`/api/webhook-endpoints/${e.id}/deliveries?limit=2`).expect(200);
    expect(first.body.items).toHaveLength(2);
    const second = await a
      .get(`/api/webhook-endpoints/${e.id}/deliveries?limit=10&cursor=${first.body.nextCursor}`)
      .expect(200);
    expect(second.body.items).toHaveLength(3);
    expect(second.body.nextCursor).toBeNull();
    const all = [...first.body.items, ...second.body.items].map((d: any) => d.id);
    expect(new Set(all).size).toBe(5);
    const none = await a.get(`/api/webhook-endpoints/${e.id}/deliveries?status=failed`).expect(200);
    expect(none.body.items).toEqual([]);
  });
});
