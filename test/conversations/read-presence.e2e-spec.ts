import { io, Socket } from 'socket.io-client';
import { startSandboxApp, SandboxApp } from '../support/sandbox-app';
import { waitUntil } from '../support/wait';
import { Receiver } from '../webhooks/support/receiver';

const DEADLINE = { timeoutMs: 20_000 };

/** The events of one type a real HTTP webhook receiver got, parsed. */
function received(receiver: Receiver, type: string): any[] {
  return receiver.requests.map((r) => JSON.parse(r.body)).filter((e) => e.type === type);
}

// Both ways the engine runs Baileys: on its own worker thread (the default on 2+ cores) and on the API thread.
describe.each(['worker', 'main'])(
  'chats: read receipts and presence (sandbox, real Baileys, %s thread)',
  (thread) => {
    let t: SandboxApp;
    const hook = new Receiver();
    let socket: Socket;
    const socketEvents: any[] = [];
    const statusEvents: any[] = [];
    const contactRecord = async (phone: string) => {
      const res = await t.get(`/api/sandbox/contacts/${phone}`);
      expect(res.status).toBe(200);
      return res.body;
    };

    beforeAll(async () => {
      await hook.listen();
      t = await startSandboxApp({ WA_ENGINE_THREAD: thread });
      const endpoint = await t.post('/api/webhook-endpoints', { url: hook.url, events: ['presence.update'] });
      expect(endpoint.status).toBe(201);
      socket = io(t.url, { auth: { token: t.apiKey }, transports: ['websocket'], reconnection: false });
      socket.on('presence.update', (e) => socketEvents.push(e));
      socket.on('session.status', (e) => statusEvents.push(e));
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
    });
    afterAll(async () => {
      socket?.disconnect();
      await t?.close();
      await hook.close();
    });

    it("marks a contact's messages read up to a message, then the rest; the contact sees exactly those", async () => {
      const contact = '6281100000301';
      const sent: string[] = [];
      for (const text of ['satu', 'dua', 'tiga']) {
        sent.push((await t.sandbox.contactSend(contact, t.account, { text })).id);
      }
      const stored = await waitUntil(
        async () => {
          const res = await t.get(`/api/sessions/default/messages?chat=${contact}&direction=in`);
          return res.body.items?.length === 3 ? [...res.body.items].reverse() : null;
        },
        { ...DEADLINE, what: 'the three messages stored' },
      );
      expect(stored.map((m: any) => m.waMessageId)).toEqual(sent);

      const first = await t.post(`/api/sessions/default/chats/${contact}/read`, { upTo: stored[1].id });
      expect(first.status).toBe(200);
      expect(first.body).toEqual({
        session: 'default',
        chat: `${contact}@s.whatsapp.net`,
        count: 2,
        ids: [stored[0].id, stored[1].id],
        waMessageIds: [sent[0], sent[1]],
      });
      const readOf = (record: any) =>
        Object.fromEntries(record.sent.map((s: any) => [s.id, s.readAt !== null]));
      await waitUntil(
        async () => {
          const r = readOf(await contactRecord(contact));
          return r[sent[0]] && r[sent[1]];
        },
        { ...DEADLINE, what: 'read receipts for the first two at the contact' },
      );
      // The receipts for the first two are in: one stanza carried both, so the third was never in it.
      expect(readOf(await contactRecord(contact))).toEqual({
        [sent[0]]: true,
        [sent[1]]: true,
        [sent[2]]: false,
      });

      // The history shows which messages the account has read.
      const readByMe = async (id: string) =>
        (await t.get(`/api/sessions/default/messages/${id}`)).body.readByMeAt;
      expect(await readByMe(stored[1].id)).toEqual(expect.any(String));
      expect(await readByMe(stored[2].id)).toBeNull();

      const second = await t.post(`/api/sessions/default/chats/${contact}@s.whatsapp.net/read`);
      expect(second.status).toBe(200);
      expect(second.body).toMatchObject({ count: 1, ids: [stored[2].id], waMessageIds: [sent[2]] });
      await waitUntil(async () => readOf(await contactRecord(contact))[sent[2]], {
        ...DEADLINE,
        what: 'the read receipt for the third at the contact',
      });

      const again = await t.post(`/api/sessions/default/chats/${contact}/read`, {});
      expect(again.body).toMatchObject({ count: 0, ids: [] });
    });

    it('shows typing, recording and paused at the contact', async () => {
      const contact = '6281100000302';
      for (const state of ['typing', 'recording', 'paused']) {
        const res = await t.post(`/api/sessions/default/chats/${contact}/presence`, { state });
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ session: 'default', chat: `${contact}@s.whatsapp.net`, state });
      }
      const record = await waitUntil(
        async () => {
          const r = await contactRecord(contact);
          return r.chatStates.length === 3 ? r : null;
        },
        { ...DEADLINE, what: 'three chat states at the contact' },
      );
      expect(record.chatStates.map((c: any) => [c.from, c.state])).toEqual([
        [t.account, 'typing'],
        [t.account, 'recording'],
        [t.account, 'paused'],
      ]);
    });

    it('sets its own online state', async () => {
      for (const state of ['available', 'unavailable'] as const) {
        const res = await t.post('/api/sessions/default/presence', { state });
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ session: 'default', state });
        await waitUntil(() => t.sandbox.accountPresence(t.account)?.state === state, {
          ...DEADLINE,
          what: `the account ${state} at the sandbox`,
        });
      }
    });

    it("relays a contact's presence only after subscribe, as presence.update on the webhook and Socket.IO", async () => {
      const contact = '6281100000303';
      await t.sandbox.contactSend(contact, t.account, { text: 'halo' }); // the contact becomes known
      const before = await t.post(`/api/sandbox/contacts/${contact}/presence`, { state: 'typing' });
      expect(before.status).toBe(200);
      expect(before.body).toMatchObject({ from: contact, to: t.account, state: 'typing', delivered: 0 });

      const sub = await t.post('/api/sessions/default/presence/subscribe', { chatId: contact });
      expect(sub.status).toBe(200);
      expect(sub.body).toEqual({ session: 'default', chat: `${contact}@s.whatsapp.net`, subscribed: true });
      const forContact = (events: any[], state: string) =>
        events.find((e) => e.data.chat === `${contact}@s.whatsapp.net` && e.data.state === state);
      // WhatsApp answers a subscription with the current presence: never online, no last seen.
      const initial = await waitUntil(() => forContact(received(hook, 'presence.update'), 'unavailable'), {
        ...DEADLINE,
        what: 'the presence WhatsApp answers the subscription with',
      });
      expect(initial.data.lastSeen).toBeNull();
      expect(forContact(received(hook, 'presence.update'), 'typing')).toBeUndefined();

      const lid = (await contactRecord(contact)).lid;
      for (const state of ['typing', 'recording', 'paused']) {
        const res = await t.post(`/api/sandbox/contacts/${contact}/presence`, { state });
        expect(res.body.delivered).toBe(1);
        const event = await waitUntil(() => forContact(received(hook, 'presence.update'), state), {
          ...DEADLINE,
          what: `${state} at the webhook receiver`,
        });
        expect(event).toMatchObject({
          type: 'presence.update',
          session: 'default',
          data: {
            session: 'default',
            chat: `${contact}@s.whatsapp.net`,
            chatType: 'direct',
            person: { jid: `${contact}@s.whatsapp.net`, phone: contact, lid },
            state,
            lastSeen: null,
          },
        });
        const live = await waitUntil(() => forContact(socketEvents, state), {
          ...DEADLINE,
          what: `${state} on Socket.IO`,
        });
        expect(live.id).toBe(event.id);
      }

      await t.post(`/api/sandbox/contacts/${contact}/presence`, { state: 'available' });
      await waitUntil(() => forContact(socketEvents, 'available'), { ...DEADLINE, what: 'available' });
      const offline = await t.post(`/api/sandbox/contacts/${contact}/presence`, { state: 'unavailable' });
      expect(offline.body.delivered).toBe(1);
      const last = await waitUntil(
        () => socketEvents.find((e) => e.data.chat === `${contact}@s.whatsapp.net` && e.data.lastSeen),
        { ...DEADLINE, what: 'unavailable with a last seen time' },
      );
      expect(last.data.state).toBe('unavailable');
      expect(Math.abs(Date.parse(last.data.lastSeen) - Date.now())).toBeLessThan(120_000);
    });

    it('subscribes again by itself when the session reconnects (WhatsApp ends subscriptions with the connection)', async () => {
      const contact = '6281100000305';
      await t.sandbox.contactSend(contact, t.account, { text: 'halo lagi' });
      expect((await t.post('/api/sessions/default/presence/subscribe', { chatId: contact })).status).toBe(
        200,
      );
      const chat = `${contact}@s.whatsapp.net`;
      await waitUntil(() => socketEvents.find((e) => e.data.chat === chat), {
        ...DEADLINE,
        what: 'the answer to the subscription',
      });

      const dropped = Date.now();
      expect((await t.post('/api/sandbox/sessions/default/disconnect')).status).toBe(200);
      await waitUntil(
        () => statusEvents.find((e) => e.data.status === 'connected' && Date.parse(e.timestamp) >= dropped),
        { ...DEADLINE, what: 'the session to connect again' },
      );
      // The new connection subscribes again: the contact's typing reaches it.
      await waitUntil(
        async () =>
          (await t.post(`/api/sandbox/contacts/${contact}/presence`, { state: 'typing' })).body.delivered ===
          1,
        { ...DEADLINE, intervalMs: 200, what: 'the new connection to be subscribed' },
      );
      const typing = await waitUntil(
        () =>
          received(hook, 'presence.update').find((e) => e.data.chat === chat && e.data.state === 'typing'),
        { ...DEADLINE, what: 'typing after the reconnect' },
      );
      expect(Date.parse(typing.timestamp)).toBeGreaterThanOrEqual(dropped);
    });

    describe('refuses what it cannot do with a clear 4xx (503 when not connected)', () => {
      const routes = (session: string, chat = '6281100000304') =>
        [
          [`/api/sessions/${session}/chats/${chat}/read`, {}],
          [`/api/sessions/${session}/chats/${chat}/presence`, { state: 'typing' }],
          [`/api/sessions/${session}/presence`, { state: 'available' }],
          [`/api/sessions/${session}/presence/subscribe`, { chatId: chat }],
        ] as const;
      const expectError = (res: { status: number; body: any }, status: number, hint?: string) => {
        expect({ status: res.status, keys: Object.keys(res.body).sort() }).toEqual({
          status,
          keys: ['details', 'error'],
        });
        if (hint) expect(JSON.stringify(res.body.details)).toContain(hint);
      };

      it('unknown session: 404', async () => {
        for (const [path, body] of routes('nope')) expectError(await t.post(path, body), 404);
      });

      it('bad bodies and chat ids: 400', async () => {
        const chat = '/api/sessions/default/chats';
        expectError(
          await t.post(`${chat}/6281100000304/presence`, { state: 'dancing' }),
          400,
          'state must be',
        );
        expectError(await t.post(`${chat}/6281100000304/presence`, {}), 400, 'state');
        expectError(await t.post(`${chat}/0812345/presence`, { state: 'typing' }), 400, 'chatId');
        expectError(await t.post(`${chat}/abc@example.com/read`, {}), 400, 'chatId');
        expectError(await t.post(`${chat}/6281100000304/read`, { upTo: '' }), 400, 'upTo');
        expectError(await t.post(`${chat}/6281100000304/read`, { upTo: 'x'.repeat(200) }), 400, 'upTo');
        expectError(await t.post(`${chat}/6281100000304/read`, { extra: 1 }), 400, 'extra');
        expectError(
          await t.post('/api/sessions/default/presence', { state: 'typing' }),
          400,
          'state must be',
        );
        expectError(await t.post('/api/sessions/default/presence/subscribe', {}), 400, 'chatId');
        expectError(
          await t.post('/api/sessions/default/presence/subscribe', { chatId: 'nobody' }),
          400,
          'chatId',
        );
      });

      it('upTo that is not a message of the chat: 404', async () => {
        const res = await t.post('/api/sessions/default/chats/6281100000304/read', { upTo: 'msg_unknown' });
        expectError(res, 404);
        expect(res.body.error).toBe('Message not found');
      });

      it('a session that is not connected: 503 with its status', async () => {
        expect((await t.post('/api/sessions', { id: 'idle' })).status).toBe(201);
        for (const [path, body] of routes('idle')) {
          const res = await t.post(path, body);
          expectError(res, 503, 'Connection status is');
          expect(res.body.error).toBe('WhatsApp not connected');
        }
      });
    });
  },
);
