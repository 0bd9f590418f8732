import { run, SqlDatabase } from '../../src/database/sql/sql';
import { startSandboxApp, SandboxApp } from '../support/sandbox-app';
import { waitUntil } from '../support/wait';
import { Receiver } from '../webhooks/support/receiver';
import {
  collectSocket,
  contactSees,
  DEADLINE,
  hooked,
  sendAndWait,
  storedIncoming,
  waitForHook,
} from './support/changes';

describe('conversations: editing and deleting messages (sandbox, real Baileys)', () => {
  let t: SandboxApp;
  const hook = new Receiver();
  let socket: Awaited<ReturnType<typeof collectSocket>>;
  const patch = (id: string, body: object) =>
    t.http().patch(`/api/sessions/default/messages/${id}`).set('X-API-Key', t.apiKey).send(body);
  const del = (id: string) =>
    t.http().delete(`/api/sessions/default/messages/${id}`).set('X-API-Key', t.apiKey);

  beforeAll(async () => {
    await hook.listen();
    t = await startSandboxApp();
    const endpoint = await t.post('/api/webhook-endpoints', {
      url: hook.url,
      events: ['message.edited', 'message.revoked'],
    });
    expect(endpoint.status).toBe(201);
    socket = await collectSocket(t, ['message.edited', 'message.revoked']);
  });
  afterAll(async () => {
    socket?.socket.disconnect();
    await t?.close();
    await hook.close();
  });

  it('edits a sent text: the contact sees the new text, the history keeps the trail', async () => {
    const contact = '6281100000401';
    const sent = await sendAndWait(t, { to: contact, type: 'text', text: 'Meet at 10' });
    expect(sent.status).not.toBe('failed');
    await contactSees(t, contact, sent.waMessageId);

    const res = await patch(sent.id, { text: 'Meet at 11' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: sent.id, text: 'Meet at 11', editedAt: expect.any(String) });
    expect(res.body.details.edits).toEqual([
      { previousText: 'Meet at 10', editedAt: res.body.editedAt, waMessageId: expect.any(String) },
    ]);
    const seen = await contactSees(t, contact, sent.waMessageId, (m) => m.text === 'Meet at 11');
    expect(seen.edits.map((e: any) => e.text)).toEqual(['Meet at 10']);
    expect(seen.editedAt).toEqual(expect.any(Number));

    // A second edit (by WhatsApp id) adds to the trail.
    const again = await patch(sent.waMessageId, { text: 'Meet at 11:30' });
    expect(again.status).toBe(200);
    expect(again.body.details.edits.map((e: any) => e.previousText)).toEqual(['Meet at 10', 'Meet at 11']);
    await contactSees(t, contact, sent.waMessageId, (m) => m.text === 'Meet at 11:30');
    const event = await waitForHook(hook, 'message.edited', (d) => d.text === 'Meet at 11:30');
    expect(event).toMatchObject({ id: sent.id, previousText: 'Meet at 11', from: { fromMe: true } });
  });

  it('deletes a sent message for everyone: the contact sees it deleted, the history marks it revoked', async () => {
    const contact = '6281100000402';
    const sent = await sendAndWait(t, { to: contact, type: 'text', text: 'Wrong chat, sorry' });
    await contactSees(t, contact, sent.waMessageId);
    const res = await del(sent.id);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: sent.id, revokedAt: expect.any(String), text: null, details: null });
    const seen = await contactSees(t, contact, sent.waMessageId, (m) => m.revokedAt !== undefined);
    expect(seen.text).toBeUndefined();
    await waitForHook(hook, 'message.revoked', (d) => d.id === sent.id);

    // Deleted: no edit, no second delete.
    expect((await patch(sent.id, { text: 'x' })).status).toBe(422);
    expect((await del(sent.id)).status).toBe(422);
  });

  it('answers 4xx for an unknown message, an incoming one, a non-text one, bad input and a passed window', async () => {
    const contact = '6281100000403';
    expect((await patch('msg_doesnotexist00000000', { text: 'x' })).status).toBe(404);
    expect((await del('3EB0DOESNOTEXIST')).status).toBe(404);
    const unknownSession = await t
      .http()
      .patch('/api/sessions/nope/messages/x')
      .set('X-API-Key', t.apiKey)
      .send({ text: 'x' });
    expect(unknownSession.status).toBe(404);

    const { id: inId } = await t.sandbox.contactSend(contact, t.account, { text: 'from the contact' });
    const incoming = await storedIncoming(t, inId);
    const editIn = await patch(incoming.id, { text: 'mine now' });
    expect(editIn.status).toBe(422);
    expect(editIn.body).toEqual({ error: 'Not your message', details: expect.any(String) });
    expect((await del(incoming.id)).status).toBe(422);

    const location = await sendAndWait(t, {
      to: contact,
      type: 'location',
      location: { latitude: -6.2, longitude: 106.8 },
    });
    const editLoc = await patch(location.id, { text: 'x' });
    expect(editLoc.status).toBe(422);
    expect(editLoc.body.error).toBe('Not a text message');

    const sent = await sendAndWait(t, { to: contact, type: 'text', text: 'old news' });
    for (const body of [{}, { text: '' }, { text: 5 }, { text: 'x', extra: 1 }]) {
      const bad = await patch(sent.id, body);
      expect(bad.status).toBe(400);
      expect(bad.body).toEqual({ error: expect.any(String), details: expect.anything() });
    }
    // Sent 16 minutes ago, as far as the history knows.
    const ago = Date.now() - 16 * 60_000;
    await t.app.get(SqlDatabase).write(function* () {
      yield* run('UPDATE messages SET sent_at = ?, wa_timestamp = ? WHERE id = ?', [
        ago,
        Math.floor(ago / 1000),
        sent.id,
      ]);
    });
    const late = await patch(sent.id, { text: 'too late' });
    expect(late.status).toBe(422);
    expect(late.body.error).toBe('Edit window passed');
    expect((await t.get(`/api/sessions/default/messages/${sent.id}`)).body.text).toBe('old news');
  });

  it("reports a contact's edit and delete as events and in the history", async () => {
    const contact = '6281100000404';
    const { id } = await t.sandbox.contactSend(contact, t.account, { text: 'helo' });
    const stored = await storedIncoming(t, id);

    const res = await t.post(`/api/sandbox/contacts/${contact}/changes`, {
      action: 'edit',
      messageId: id,
      text: 'hello',
    });
    expect(res.status).toBe(200);
    const edited = await waitForHook(hook, 'message.edited', (d) => d.waMessageId === id);
    expect(edited).toMatchObject({
      id: stored.id,
      chat: `${contact}@s.whatsapp.net`,
      text: 'hello',
      previousText: 'helo',
      from: { phone: contact, fromMe: false },
      editedAt: expect.any(String),
    });
    await waitUntil(
      () => socket.events.find((e) => e.type === 'message.edited' && e.data.waMessageId === id),
      {
        ...DEADLINE,
        what: 'message.edited on Socket.IO',
      },
    );
    const after = (await t.get(`/api/sessions/default/messages/${stored.id}`)).body;
    expect(after).toMatchObject({ text: 'hello', editedAt: edited.editedAt });
    expect(after.details.edits).toEqual([expect.objectContaining({ previousText: 'helo' })]);

    await t.sandbox.contactChange(contact, t.account, { revoke: { id } });
    const revoked = await waitForHook(hook, 'message.revoked', (d) => d.waMessageId === id);
    expect(revoked).toMatchObject({ id: stored.id, from: { phone: contact }, revokedAt: expect.any(String) });
    await waitUntil(
      () => socket.events.find((e) => e.type === 'message.revoked' && e.data.waMessageId === id),
      {
        ...DEADLINE,
        what: 'message.revoked on Socket.IO',
      },
    );
    const gone = (await t.get(`/api/sessions/default/messages/${stored.id}`)).body;
    expect(gone).toMatchObject({ revokedAt: revoked.revokedAt, text: null, details: null });
    // Each change was handled once.
    expect(hooked(hook, 'message.edited').filter((d) => d.waMessageId === id)).toHaveLength(1);
    expect(hooked(hook, 'message.revoked').filter((d) => d.waMessageId === id)).toHaveLength(1);
  });

  it("reports a contact's edit of a message the gateway does not have, with what is known", async () => {
    const contact = '6281100000405';
    await t.sandbox.contactChange(contact, t.account, { edit: { id: '3EB0NEVERSEEN0001', text: 'fixed' } });
    const edited = await waitForHook(hook, 'message.edited', (d) => d.waMessageId === '3EB0NEVERSEEN0001');
    expect(edited).toMatchObject({ id: null, text: 'fixed', previousText: null, from: { phone: contact } });
  });
});
