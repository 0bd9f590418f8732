import { Webhook } from 'standardwebhooks';
import { startSandboxApp, SandboxApp } from '../support/sandbox-app';
import { waitUntil } from '../support/wait';
import { Receiver } from './support/receiver';

describe('webhooks end to end (sandbox, real Baileys)', () => {
  let t: SandboxApp;
  const subscribed = new Receiver();
  const other = new Receiver();
  beforeAll(async () => {
    await subscribed.listen();
    await other.listen();
    t = await startSandboxApp({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' });
  });
  afterAll(async () => {
    await t.close();
    await subscribed.close();
    await other.close();
  });

  it("a contact's message reaches the subscribed receiver, signed; an endpoint for other events gets nothing", async () => {
    const created = await t.post('/api/webhook-endpoints', {
      url: subscribed.url,
      events: ['message.received'],
    });
    expect(created.status).toBe(201);
    const endpoint = created.body;
    expect((await t.post('/api/webhook-endpoints', { url: other.url, events: ['session.qr'] })).status).toBe(
      201,
    );

    const contact = '6281100000201';
    const sent = await t.sandbox.contactSend(
      contact,
      t.account,
      { text: 'Halo, webhook!' },
      { pushName: 'Siti' },
    );
    const req = await waitUntil(
      () =>
        subscribed.requests.find((r) => {
          const body = JSON.parse(r.body);
          return body.type === 'message.received' && body.data.waMessageId === sent.id;
        }),
      { timeoutMs: 20_000, what: "the contact's message at the receiver" },
    );
    const event = new Webhook(endpoint.secret).verify(req.body, req.headers as Record<string, string>) as any;
    expect(event).toMatchObject({
      id: req.headers['webhook-id'],
      type: 'message.received',
      session: 'default',
      data: {
        session: 'default',
        direction: 'in',
        chat: `${contact}@s.whatsapp.net`,
        from: { phone: contact, pushName: 'Siti' },
        type: 'text',
        text: 'Halo, webhook!',
        quotedMessageId: null,
      },
    });
    expect(event.data.id).toMatch(/^msg_/);
    const stored = await t.get(`/api/sessions/default/messages/${event.data.id}`);
    expect(stored.status).toBe(200);
    expect(stored.body.waMessageId).toBe(sent.id);
    expect(other.requests).toHaveLength(0);
  });

  it('POST /api/whatsapp/receive (seed) goes through the same pipeline to the webhook', async () => {
    const res = await t.post('/api/whatsapp/receive', {
      from: '6281100000202',
      message: 'injected',
      timestamp: 1623456789,
    });
    expect(res.status).toBe(200);
    const req = await waitUntil(() =>
      subscribed.requests.find((r) => JSON.parse(r.body).data?.id === res.body.id),
    );
    expect(JSON.parse(req.body).data).toMatchObject({ text: 'injected', from: { phone: '6281100000202' } });
  });
});
