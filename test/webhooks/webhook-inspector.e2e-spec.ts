import { Webhook } from 'standardwebhooks';
import { startSandboxApp, SandboxApp } from '../support/sandbox-app';
import { startTestApp } from '../support/test-app';
import { waitUntil } from '../support/wait';

const INSPECTOR = '/api/sandbox/webhook-inspector';

describe('webhook inspector (sandbox mode, no other server)', () => {
  let t: SandboxApp;
  beforeAll(async () => {
    // No WEBHOOK_ALLOW_PRIVATE_NETWORKS: sandbox mode's own defaults must let the inspector's URL through.
    t = await startSandboxApp();
  });
  afterAll(() => t?.close());

  it("an endpoint pointing at the inspector receives a contact's message.received, validly signed", async () => {
    const created = await t.post('/api/webhook-endpoints', {
      url: `${t.url}${INSPECTOR}/e2e`,
      events: ['message.received'],
    });
    expect(created.status).toBe(201);
    const endpoint = created.body;

    const contact = '6281100000301';
    const res = await t.post(`/api/sandbox/contacts/${contact}/messages`, {
      text: 'Halo, inspector!',
      pushName: 'Rina',
    });
    expect(res.status).toBe(200);

    const list = await waitUntil(
      async () => {
        const r = await t.get(`${INSPECTOR}/e2e`).expect(200);
        return r.body.requests.some((q: any) => q.eventType === 'message.received') ? r.body : null;
      },
      { timeoutMs: 20_000, what: 'the inspector to receive message.received' },
    );
    expect(list.url).toBe(`${t.url}${INSPECTOR}/e2e`);
    expect(list.endpointIds).toEqual([endpoint.id]);
    const got = list.requests.find((q: any) => q.eventType === 'message.received');
    expect(got.signature).toMatchObject({ valid: true, status: 'valid', endpointId: endpoint.id });
    expect(got.method).toBe('POST');
    expect(got.headers['content-type']).toMatch(/application\/json/);
    expect(got.headers['x-api-key']).toBeUndefined();
    const event = JSON.parse(got.body);
    expect(event).toMatchObject({
      id: got.webhookId,
      type: 'message.received',
      session: 'default',
      data: { text: 'Halo, inspector!', from: { phone: contact, pushName: 'Rina' } },
    });
    // What the inspector recorded is exactly what was signed: a Standard Webhooks library agrees.
    expect(() => new Webhook(endpoint.secret).verify(got.body, got.headers)).not.toThrow();

    // The attempt is recorded just after the inspector answered it.
    await waitUntil(
      async () => {
        const r = await t
          .get(`/api/webhook-endpoints/${endpoint.id}/deliveries?status=delivered`)
          .expect(200);
        return r.body.items.length >= 1 ? true : null;
      },
      { what: 'the delivery to be recorded as delivered' },
    );
  });

  it('takes requests without the API key, lists them only with it, and marks unsigned and forged ones', async () => {
    const body = JSON.stringify({ id: 'evt_forged', type: 'message.received', data: {} });
    await t.http().post(`${INSPECTOR}/checks`).set('Content-Type', 'application/json').send(body).expect(200);
    await t
      .http()
      .post(`${INSPECTOR}/checks`)
      .set('Content-Type', 'text/plain')
      .set('webhook-id', 'evt_forged')
      .set('webhook-timestamp', String(Math.floor(Date.now() / 1000)))
      .set('webhook-signature', 'v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=')
      .send('plain text')
      .expect(200);
    await t.http().get(`${INSPECTOR}/checks`).expect(401);
    const list = (await t.get(`${INSPECTOR}/checks`).expect(200)).body;
    expect(list.requests.map((r: any) => [r.signature.status, r.body])).toEqual([
      ['no_endpoint', 'plain text'],
      ['unsigned', body],
    ]);
    expect(
      (await t.http().delete(`${INSPECTOR}/checks`).set('X-API-Key', t.apiKey).expect(200)).body,
    ).toEqual({
      cleared: 2,
    });
    expect((await t.get(`${INSPECTOR}/checks`).expect(200)).body.requests).toEqual([]);
  });

  it('refuses a bad bin name and an oversized body with {error, details}', async () => {
    const bad = await t
      .http()
      .post(`${INSPECTOR}/${'x'.repeat(65)}`)
      .send({})
      .expect(400);
    expect(bad.body).toEqual({ error: 'Validation failed', details: expect.stringMatching(/bin/) });
    const big = await t
      .http()
      .post(`${INSPECTOR}/big`)
      .set('Content-Type', 'application/octet-stream')
      .send(Buffer.alloc(t.config.BODY_LIMIT_BYTES + 1))
      .expect(413);
    expect(big.body.error).toBe('Payload too large');
  });
});

describe('webhook inspector outside sandbox mode', () => {
  it('does not exist', async () => {
    const t = await startTestApp();
    try {
      await t.http().post(`${INSPECTOR}/e2e`).send({}).expect(404);
      await t.http().get(`${INSPECTOR}/e2e`).set('X-API-Key', t.apiKey).expect(404);
    } finally {
      await t.close();
    }
  });
});
