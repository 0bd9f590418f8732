import { Webhook } from 'standardwebhooks';
import { startTestApp, TestApp } from '../support/test-app';
import { waitUntil } from '../support/wait';
import { Receiver } from './support/receiver';
import { api, expectErrorShape, publish, removeAllEndpoints } from './support/webhook-helpers';

describe('webhook endpoints API', () => {
  let t: TestApp;
  let receiver: Receiver;
  beforeAll(async () => {
    t = await startTestApp({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true', WEBHOOK_RETRY_SCHEDULE: '0,0.05,0.05' });
    receiver = new Receiver();
    await receiver.listen();
  });
  afterEach(() => removeAllEndpoints(t));
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  it('creates an endpoint and shows its whsec_ secret only on create', async () => {
    const a = api(t);
    const created = await a
      .post('/api/webhook-endpoints', {
        url: receiver.url,
        events: ['message.received'],
        description: 'CRM',
        headers: { Authorization: 'Bearer receiver-token' },
      })
      .expect(201);
    expect(created.body).toMatchObject({
      url: receiver.url,
      events: ['message.received'],
      description: 'CRM',
      enabled: true,
      headers: { Authorization: '********' },
      disabledReason: null,
    });
    expect(created.body.id).toMatch(/^we_/);
    expect(created.body.secret).toMatch(/^whsec_/);
    const got = await a.get(`/api/webhook-endpoints/${created.body.id}`).expect(200);
    expect(got.body.secret).toBeUndefined();
    const list = await a.get('/api/webhook-endpoints').expect(200);
    expect(list.body.map((e: any) => e.id)).toEqual([created.body.id]);
    expect(list.body[0].secret).toBeUndefined();
  });

  it('defaults to all events, updates, disables and deletes', async () => {
    const a = api(t);
    const { body: e } = await a.post('/api/webhook-endpoints', { url: receiver.url }).expect(201);
    expect(e.events).toEqual(['*']);
    const patched = await a
      .patch(`/api/webhook-endpoints/${e.id}`, { events: ['session.status'], enabled: false })
      .expect(200);
    expect(patched.body).toMatchObject({
      events: ['session.status'],
      enabled: false,
      disabledReason: 'manual',
    });
    const enabled = await a.patch(`/api/webhook-endpoints/${e.id}`, { enabled: true }).expect(200);
    expect(enabled.body).toMatchObject({ enabled: true, disabledReason: null });
    await a.delete(`/api/webhook-endpoints/${e.id}`).expect(204);
    const gone = await a.get(`/api/webhook-endpoints/${e.id}`).expect(404);
    expectErrorShape(gone.body);
  });

  it('answers bad input with 400 {error, details} without echoing it', async () => {
    const a = api(t);
    const secretish = 'ftp://SECRET-VALUE.example/x';
    const badUrl = await a.post('/api/webhook-endpoints', { url: secretish }).expect(400);
    expectErrorShape(badUrl.body);
    expect(JSON.stringify(badUrl.body)).not.toContain('SECRET-VALUE');
    const badEvents = await a
      .post('/api/webhook-endpoints', { url: receiver.url, events: ['nope'] })
      .expect(400);
    expect(badEvents.body.details).toMatch(/events must contain only/);
    const reserved = await a
      .post('/api/webhook-endpoints', { url: receiver.url, headers: { 'webhook-signature': 'x' } })
      .expect(400);
    expect(reserved.body.details).toMatch(/cannot be overridden/);
    const crlf = await a
      .post('/api/webhook-endpoints', { url: receiver.url, headers: { 'X-Token': 'a\r\nInjected: 1' } })
      .expect(400);
    expectErrorShape(crlf.body);
    await a.post('/api/webhook-endpoints', { url: receiver.url, extra: 1 }).expect(400);
    await a.post('/api/webhook-endpoints', { url: receiver.url, secret: 'not-a-secret' }).expect(400);
    const query = await a.get('/api/webhook-endpoints/we_x/deliveries?status=weird').expect(400);
    expectErrorShape(query.body);
    await a.post('/api/webhook-deliveries/whd_missing/retry').expect(404);
  });

  it('needs the API key', async () => {
    await t.http().get('/api/webhook-endpoints').expect(401);
    await t.http().post('/api/webhook-endpoints').send({ url: receiver.url }).expect(401);
  });

  it('rotating the secret signs with both secrets during the grace period', async () => {
    const a = api(t);
    const { body: e } = await a.post('/api/webhook-endpoints', { url: receiver.url }).expect(201);
    const rotated = await a.post(`/api/webhook-endpoints/${e.id}/rotate-secret`).expect(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(e.secret);
    expect(Date.parse(rotated.body.previousSecretExpiresAt)).toBeGreaterThan(Date.now() + 23 * 3600_000);
    const before = receiver.requests.length;
    const event = await publish(t, 'session.status', { session: 'default', status: 'connected' });
    const req = await waitUntil(() =>
      receiver.requests.slice(before).find((r) => r.headers['webhook-id'] === event.id),
    );
    expect(String(req.headers['webhook-signature']).split(' ')).toHaveLength(2);
    const headers = req.headers as Record<string, string>;
    expect(new Webhook(rotated.body.secret).verify(req.body, headers)).toMatchObject({ id: event.id });
    expect(new Webhook(e.secret).verify(req.body, headers)).toMatchObject({ id: event.id });
  });

  it('never shows custom header values, sends them, and keeps them when PATCHed back masked', async () => {
    const a = api(t);
    const { body: e } = await a
      .post('/api/webhook-endpoints', {
        url: receiver.url,
        headers: { 'X-Token': 'tok-one', 'X-Env': 'prod' },
      })
      .expect(201);
    expect(e.headers).toEqual({ 'X-Token': '********', 'X-Env': '********' });
    const got = await a.get(`/api/webhook-endpoints/${e.id}`).expect(200);
    const list = await a.get('/api/webhook-endpoints').expect(200);
    for (const body of [got.body, list.body, e]) expect(JSON.stringify(body)).not.toMatch(/tok-one|prod/);
    // What was read is sent back with one value changed: the masked one keeps its value.
    const patched = await a
      .patch(`/api/webhook-endpoints/${e.id}`, { headers: { ...got.body.headers, 'X-Env': 'staging' } })
      .expect(200);
    expect(patched.body.headers).toEqual({ 'X-Token': '********', 'X-Env': '********' });
    const before = receiver.requests.length;
    const event = await publish(t, 'session.status', { session: 'default', status: 'connected' });
    const req = await waitUntil(() =>
      receiver.requests.slice(before).find((r) => r.headers['webhook-id'] === event.id),
    );
    expect(req.headers).toMatchObject({ 'x-token': 'tok-one', 'x-env': 'staging' });
    const unknown = await a
      .patch(`/api/webhook-endpoints/${e.id}`, { headers: { 'X-Other': '********' } })
      .expect(400);
    expectErrorShape(unknown.body);
  });

  it('is documented in the OpenAPI document', async () => {
    const res = await t.http().get('/docs-json').expect(200);
    for (const path of [
      '/api/webhook-endpoints',
      '/api/webhook-endpoints/{id}',
      '/api/webhook-endpoints/{id}/deliveries',
      '/api/webhook-endpoints/{id}/recover',
      '/api/webhook-endpoints/{id}/test',
      '/api/webhook-endpoints/{id}/rotate-secret',
      '/api/webhook-deliveries/{id}/retry',
      '/api/webhook',
      '/api/webhook/inbound',
    ]) {
      expect(res.body.paths[path]).toBeDefined();
    }
  });
});
