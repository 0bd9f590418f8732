import { InboundService } from '../../src/messaging/inbound/inbound.service';
import type { InboundMessage } from '../../src/whatsapp/engine/engine.types';
import { startTestApp, TestApp } from '../support/test-app';
import { waitUntil } from '../support/wait';
import { Receiver } from '../webhooks/support/receiver';

/**
 * A message the engine could not decrypt is stored and announced as `undecryptable` (with the reason), not
 * dropped: WhatsApp is acknowledged only for what is stored. When the sender's device sends it again and that
 * copy decrypts, it arrives with the same WhatsApp id: the same row takes its content and is announced again.
 */
describe('undecryptable incoming messages', () => {
  let t: TestApp;
  const receiver = new Receiver();
  beforeAll(async () => {
    await receiver.listen();
    t = await startTestApp({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' });
    const created = await t
      .http()
      .post('/api/webhook-endpoints')
      .set('X-API-Key', t.apiKey)
      .send({ url: receiver.url, events: ['message.received'] });
    expect(created.status).toBe(201);
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  const base: InboundMessage = {
    waMessageId: '3EB0UNDECRYPTABLE01',
    chatJid: '6281200000501@s.whatsapp.net',
    chatType: 'direct',
    fromMe: false,
    senderJid: '6281200000501@s.whatsapp.net',
    senderPhone: '6281200000501',
    senderLid: null,
    pushName: 'Rina',
    type: 'undecryptable',
    text: null,
    quotedMessageId: null,
    media: null,
    location: null,
    reaction: null,
    timestamp: 1_765_000_000,
    system: false,
    undecryptable: 'Bad MAC',
  };
  const events = () =>
    receiver.requests
      .map((r) => JSON.parse(r.body))
      .filter((e) => e.data?.waMessageId === base.waMessageId)
      .map((e) => e.data);

  it('is stored and announced as undecryptable with the reason, once', async () => {
    const inbound = t.app.get(InboundService);
    await inbound.onEngineMessages({ sessionId: 'default', messages: [base], live: true });
    // the same failure delivered again changes nothing
    await inbound.onEngineMessages({ sessionId: 'default', messages: [base], live: true });
    const [event] = await waitUntil(() => (events().length ? events() : null), { what: 'the webhook' });
    expect(event).toMatchObject({ type: 'undecryptable', text: null, error: 'Bad MAC', status: 'received' });
    const stored = await t
      .http()
      .get(`/api/sessions/default/messages/${event.id}`)
      .set('X-API-Key', t.apiKey);
    expect(stored.body).toMatchObject({
      waMessageId: base.waMessageId,
      type: 'undecryptable',
      error: 'Bad MAC',
    });
    expect(events()).toHaveLength(1);
  });

  it('a copy that decrypts later fills in the same row and is announced again with its content', async () => {
    const inbound = t.app.get(InboundService);
    await inbound.onEngineMessages({
      sessionId: 'default',
      messages: [{ ...base, type: 'text', text: 'sudah terbaca', undecryptable: undefined }],
      live: true,
    });
    await waitUntil(() => events().length === 2, { what: 'the second webhook' });
    const [first, second] = events();
    expect(second).toMatchObject({ id: first.id, type: 'text', text: 'sudah terbaca', error: null });
    const list = await t.http().get('/api/sessions/default/messages?direction=in').set('X-API-Key', t.apiKey);
    const rows = list.body.items.filter((m: any) => m.waMessageId === base.waMessageId);
    expect(rows).toEqual([expect.objectContaining({ id: first.id, type: 'text', text: 'sudah terbaca' })]);
    // and a late failed copy does not undo it
    await inbound.onEngineMessages({ sessionId: 'default', messages: [base], live: true });
    const again = await t.http().get(`/api/sessions/default/messages/${first.id}`).set('X-API-Key', t.apiKey);
    expect(again.body).toMatchObject({ type: 'text', text: 'sudah terbaca' });
  });
});
