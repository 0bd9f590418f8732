import { EventEmitter2 } from '@nestjs/event-emitter';
import type { ContactLookup, SendResult } from '../../src/whatsapp/engine/engine.types';
import { ENGINE_RECEIPTS, EngineReceiptsEvent } from '../../src/whatsapp/sessions/engine-events';
import { SessionConnection, SessionsFacade } from '../../src/whatsapp/sessions/sessions.facade';
import { closedPort } from '../support/closed-port';
import { startTestApp, TestApp } from '../support/test-app';
import { waitUntil } from '../support/wait';

type Sent = SendResult & { payload?: string };

/** A promise with its resolve at hand. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/**
 * Receipts for a message the send queue still holds (`queued` or `sending`): WhatsApp had it (its first send
 * arrived; the server's acknowledgement was not processed before a crash or a lost connection, or is still on
 * its way). Medium test: the real app on a real SQLite file, the real queue and receipts; the engine connection
 * is a stand-in whose sends and lookups the test answers, and receipts enter as the engine reports them.
 */
describe('receipts for messages still in the send queue', () => {
  let t: TestApp;
  let connected = false;
  const sends: { waMessageId: string; answer: ReturnType<typeof deferred<Sent>> }[] = [];
  let lookup = deferred<ContactLookup>();
  const conn = {
    send: (_jid: string, _content: unknown, options?: { waMessageId?: string }) => {
      const answer = deferred<Sent>();
      sends.push({ waMessageId: options!.waMessageId!, answer });
      return answer.promise;
    },
    lookup: () => lookup.promise,
  };

  beforeAll(async () => {
    const port = await closedPort();
    t = await startTestApp({
      WA_WEBSOCKET_URL: `ws://127.0.0.1:${port}/ws/chat`,
      SEND_MIN_INTERVAL_MS: '0',
      SEND_JITTER_MS: '0',
    });
    const facade = t.app.get(SessionsFacade);
    jest.spyOn(facade, 'isConnected').mockImplementation(() => connected);
    // Only what the send queue calls; the rest of a connection is never reached here.
    jest
      .spyOn(facade, 'openConnection')
      .mockImplementation(() => (connected ? (conn as unknown as SessionConnection) : null));
  });
  afterAll(() => t.close());

  const api = {
    send: async (to: string, text: string) => {
      const res = await t
        .http()
        .post('/api/sessions/default/messages')
        .set('X-API-Key', t.apiKey)
        .send({ to, type: 'text', text });
      expect(res.status).toBe(202);
      return res.body as { id: string; waMessageId: string };
    },
    message: async (id: string) =>
      (await t.http().get(`/api/sessions/default/messages/${id}`).set('X-API-Key', t.apiKey)).body,
    depth: async () =>
      (await t.http().get('/api/sessions/default').set('X-API-Key', t.apiKey)).body.queueDepth as number,
  };
  const receipt = (waMessageId: string, status: 'delivered' | 'read', to: string) =>
    t.app.get(EventEmitter2).emitAsync(ENGINE_RECEIPTS, {
      sessionId: 'default',
      receipts: [
        { waMessageId, chatJid: `${to}@s.whatsapp.net`, status, timestamp: Math.floor(Date.now() / 1000) },
      ],
    } satisfies EngineReceiptsEvent);
  const connect = () => {
    connected = true;
    t.app.get(EventEmitter2).emit('session.status', { data: { session: 'default', status: 'connected' } });
  };
  const disconnect = () => {
    connected = false;
    t.app.get(EventEmitter2).emit('session.status', { data: { session: 'default', status: 'disconnected' } });
  };
  const sentOf = (waMessageId: string) => sends.filter((s) => s.waMessageId === waMessageId);

  it('a queued message that gets a receipt leaves the queue once and is never sent', async () => {
    const to = '6281100000801';
    const before = await api.depth();
    const m = await api.send(to, 'queued, then receipted');
    expect(await api.depth()).toBe(before + 1);
    await receipt(m.waMessageId, 'delivered', to);
    await receipt(m.waMessageId, 'read', to);
    expect(await api.message(m.id)).toMatchObject({ status: 'read' });
    expect(await api.depth()).toBe(before);

    // Connected: the queue drains, and only the next message goes out.
    lookup.resolve({ phone: to, exists: true, jid: `${to}@s.whatsapp.net`, lid: null });
    connect();
    const next = await api.send(to, 'after it');
    await waitUntil(() => sentOf(next.waMessageId).length === 1, { what: 'the next message handed over' });
    expect(sentOf(m.waMessageId)).toEqual([]);
    disconnect();
    sentOf(next.waMessageId)[0].answer.resolve({ waMessageId: next.waMessageId, timestamp: 1 });
    await waitUntil(async () => (await api.message(next.id)).status === 'sent', { what: 'next sent' });
    expect(await api.depth()).toBe(before);
  });

  it('a claimed message that gets a receipt before it is handed over is not sent', async () => {
    const to = '6281100000802';
    const before = await api.depth();
    lookup = deferred<ContactLookup>(); // the recipient check holds the claimed row back
    connect();
    const m = await api.send(to, 'claimed, then receipted');
    await waitUntil(async () => (await api.message(m.id)).status === 'sending', { what: 'the row claimed' });
    await receipt(m.waMessageId, 'delivered', to);
    expect(await api.message(m.id)).toMatchObject({ status: 'delivered' });
    expect(await api.depth()).toBe(before);

    lookup.resolve({ phone: to, exists: true, jid: `${to}@s.whatsapp.net`, lid: null });
    const next = await api.send(to, 'after it');
    await waitUntil(() => sentOf(next.waMessageId).length === 1, { what: 'the next message handed over' });
    expect(sentOf(m.waMessageId)).toEqual([]);
    sentOf(next.waMessageId)[0].answer.resolve({ waMessageId: next.waMessageId, timestamp: 1 });
    await waitUntil(async () => (await api.message(next.id)).status === 'sent', { what: 'next sent' });
    expect(await api.message(m.id)).toMatchObject({ status: 'delivered' });
    expect(await api.depth()).toBe(before);
    disconnect();
  });

  it("a receipt before the server's acknowledgement is processed: the late 'sent' mark moves nothing back", async () => {
    const to = '6281100000803';
    const before = await api.depth();
    connect();
    const m = await api.send(to, 'receipted before acknowledged');
    await waitUntil(() => sentOf(m.waMessageId).length === 1, { what: 'the message handed over' });
    expect(await api.depth()).toBe(before + 1);
    await receipt(m.waMessageId, 'read', to);
    expect(await api.message(m.id)).toMatchObject({ status: 'read' });
    expect(await api.depth()).toBe(before);

    // The acknowledgement arrives: the send resolves, the row keeps `read` and gets what the send returned.
    sentOf(m.waMessageId)[0].answer.resolve({ waMessageId: m.waMessageId, timestamp: 1234, payload: '{}' });
    const next = await api.send(to, 'after it');
    await waitUntil(() => sentOf(next.waMessageId).length === 1, { what: 'the next message handed over' });
    sentOf(next.waMessageId)[0].answer.resolve({ waMessageId: next.waMessageId, timestamp: 1235 });
    // Marks are written in order: once the next one is sent, the first one's mark has been written too.
    await waitUntil(async () => (await api.message(next.id)).status === 'sent', { what: 'next sent' });
    const row = await api.message(m.id);
    expect(row).toMatchObject({ status: 'read' });
    expect(row.sentAt).not.toBeNull();
    expect(await api.depth()).toBe(before);
    disconnect();
  });
});
