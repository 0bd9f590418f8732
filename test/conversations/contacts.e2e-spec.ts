import { startSandboxApp, SandboxApp } from '../support/sandbox-app';
import { waitUntil } from '../support/wait';
import { Receiver } from '../webhooks/support/receiver';

const DEADLINE = { timeoutMs: 20_000 };

/** The events of one type a real HTTP webhook receiver got, parsed. */
function received(receiver: Receiver, type: string): any[] {
  return receiver.requests.map((r) => JSON.parse(r.body)).filter((e) => e.type === type);
}

// Both ways the engine runs Baileys: on its own worker thread (the default on 2+ cores) and on the API thread.
describe.each(['worker', 'main'])('contacts and LID ↔ phone (sandbox, real Baileys, %s thread)', (thread) => {
  let t: SandboxApp;
  const hook = new Receiver();
  const contactRecord = async (phone: string) => (await t.get(`/api/sandbox/contacts/${phone}`)).body;

  beforeAll(async () => {
    await hook.listen();
    t = await startSandboxApp({ WA_ENGINE_THREAD: thread });
    const endpoint = await t.post('/api/webhook-endpoints', {
      url: hook.url,
      events: ['message.received', 'message.status', 'contact.mapped'],
    });
    expect(endpoint.status).toBe(201);
  });
  afterAll(async () => {
    await t?.close();
    await hook.close();
  });

  it('gives a contact known only by LID its phone number once WhatsApp sends the mapping, in later payloads and in history', async () => {
    const phone = '6281100000401';
    const first = await t.post(`/api/sandbox/contacts/${phone}/messages`, {
      text: 'dari lid',
      pushName: 'Lina',
      addressing: 'lid',
    });
    expect(first.status).toBe(200);
    const lid = (await contactRecord(phone)).lid;
    expect(lid).toMatch(/^\d+@lid$/);

    const earlier = await waitUntil(
      () => received(hook, 'message.received').find((e) => e.data.waMessageId === first.body.id),
      { ...DEADLINE, what: 'the LID-only message at the webhook receiver' },
    );
    expect(earlier.data.from).toMatchObject({ phone: null, lid, pushName: 'Lina' });
    const byLid = async () => {
      const res = await t.get(`/api/sessions/default/contacts?search=${encodeURIComponent(lid)}`);
      expect(res.status).toBe(200);
      expect(res.body.items).toHaveLength(1);
      return res.body.items[0];
    };
    expect(await byLid()).toMatchObject({ phone: null, jid: null, lid, pushName: 'Lina' });
    expect(received(hook, 'contact.mapped').filter((e) => e.data.lid === lid)).toEqual([]);

    // WhatsApp sends the phone number along with a later message (sender_pn).
    const second = await t.post(`/api/sandbox/contacts/${phone}/messages`, {
      text: 'sekarang dengan nomor',
      addressing: 'lid',
      senderPn: true,
    });
    expect(second.status).toBe(200);
    const mapped = await waitUntil(() => received(hook, 'contact.mapped').find((e) => e.data.lid === lid), {
      ...DEADLINE,
      what: 'contact.mapped at the webhook receiver',
    });
    expect(mapped).toMatchObject({
      type: 'contact.mapped',
      session: 'default',
      data: {
        session: 'default',
        lid,
        phone,
        jid: `${phone}@s.whatsapp.net`,
        pushName: 'Lina',
        messagesUpdated: 1,
      },
    });
    const later = await waitUntil(
      () => received(hook, 'message.received').find((e) => e.data.waMessageId === second.body.id),
      { ...DEADLINE, what: 'the second message at the webhook receiver' },
    );
    expect(later.data.from).toMatchObject({ phone, lid });

    // The earlier message now carries the phone number in history too.
    const history = await t.get(`/api/sessions/default/messages/${earlier.data.id}`);
    expect(history.body.from).toMatchObject({ phone, lid });
    expect(await byLid()).toMatchObject({
      phone,
      jid: `${phone}@s.whatsapp.net`,
      lid,
      pushName: 'Lina',
    });

    // A reply to the phone number reaches the contact; its receipts name both identities.
    const reply = await t.post('/api/sessions/default/messages', {
      to: phone,
      type: 'text',
      text: 'balasan ke nomor',
    });
    expect(reply.status).toBe(202);
    await t.sandbox.waitForReceived(phone, (m) => m.text === 'balasan ke nomor', DEADLINE.timeoutMs);
    const read = await waitUntil(
      () =>
        received(hook, 'message.status').find((e) => e.data.id === reply.body.id && e.data.status === 'read'),
      { ...DEADLINE, what: 'the read receipt of the reply' },
    );
    expect(read.data.recipient).toEqual({ jid: `${phone}@s.whatsapp.net`, phone, lid });

    // Told once, however many times WhatsApp repeats the mapping.
    await t.post(`/api/sandbox/contacts/${phone}/messages`, {
      text: 'lagi',
      addressing: 'lid',
      senderPn: true,
    });
    await waitUntil(() => received(hook, 'message.received').find((e) => e.data.text === 'lagi'), DEADLINE);
    expect(received(hook, 'contact.mapped').filter((e) => e.data.lid === lid)).toHaveLength(1);

    // The mapping is stored: a restarted gateway (same database) still knows both, and tells nothing again.
    await t.close();
    const account = t.account;
    t = await startSandboxApp({ WA_ENGINE_THREAD: thread }, { dir: t.dir, link: false });
    t.account = account;
    await t.waitForStatus('default', 'connected');
    expect(await byLid()).toMatchObject({ phone, lid, pushName: 'Lina' });
    const after = await t.post(`/api/sandbox/contacts/${phone}/messages`, {
      text: 'setelah restart',
      addressing: 'lid',
    });
    const restarted = await waitUntil(
      () => received(hook, 'message.received').find((e) => e.data.waMessageId === after.body.id),
      { ...DEADLINE, what: 'a LID-only message after the restart' },
    );
    expect(restarted.data.from).toMatchObject({ phone, lid });
    expect(received(hook, 'contact.mapped').filter((e) => e.data.lid === lid)).toHaveLength(1);
  });

  it('lists names, push names, phone numbers and LIDs, paging without gaps or repeats, and searches', async () => {
    const phones = Array.from({ length: 7 }, (_, i) => `62811000005${String(i).padStart(2, '0')}`);
    for (const [i, phone] of phones.entries())
      await t.sandbox.contactSend(phone, t.account, { text: `halo ${i}` }, { pushName: `Teman ${i}` });
    await waitUntil(
      async () => {
        const res = await t.get('/api/sessions/default/contacts?search=teman&limit=500');
        return res.body.items?.length === phones.length;
      },
      { ...DEADLINE, what: 'seven contacts in the directory' },
    );

    const seen: any[] = [];
    let cursor: string | null = null;
    do {
      const res = await t.get(`/api/sessions/default/contacts?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(3);
      seen.push(...res.body.items);
      cursor = res.body.nextCursor;
    } while (cursor);
    const keys = seen.map((c) => c.phone ?? c.lid);
    expect(new Set(keys).size).toBe(keys.length);
    for (const [i, phone] of phones.entries()) {
      const c = seen.find((x) => x.phone === phone);
      expect(c).toMatchObject({ phone, jid: `${phone}@s.whatsapp.net`, pushName: `Teman ${i}` });
      expect(c.lid).toBe((await contactRecord(phone)).lid);
    }
    // In the order they became known.
    expect(keys.filter((k) => phones.includes(k))).toEqual(phones);

    const one = await t.get('/api/sessions/default/contacts?search=TEMAN%203');
    expect(one.body.items.map((c: any) => c.phone)).toEqual([phones[3]]);
    const byNumber = await t.get(`/api/sessions/default/contacts?search=${phones[5].slice(-6)}`);
    expect(byNumber.body.items.map((c: any) => c.phone)).toEqual([phones[5]]);

    expect((await t.get('/api/sessions/default/contacts?cursor=bogus!')).status).toBe(400);
    expect((await t.get('/api/sessions/default/contacts?limit=0')).status).toBe(400);
    expect((await t.get('/api/sessions/nobody/contacts')).status).toBe(404);
    const nobody = await t.get('/api/sessions/default/contacts?search=6281100009999');
    expect(nobody.body).toEqual({ items: [], nextCursor: null });
  });

  it("answers a contact's profile picture URL, and 404 for one without", async () => {
    const [withPicture, without] = ['6281100000601', '6281100000602'];
    const set = await t.sandbox.contactSend(withPicture, t.account, { text: 'foto' });
    expect(set.id).toBeTruthy();
    const put = await t
      .http()
      .put(`/api/sandbox/contacts/${withPicture}/picture`)
      .set('X-API-Key', t.apiKey)
      .send({
        picture: true,
      });
    expect(put.status).toBe(200);

    const res = await t.get(`/api/sessions/default/contacts/${withPicture}/picture`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      session: 'default',
      jid: `${withPicture}@s.whatsapp.net`,
      url: expect.stringMatching(/^https:\/\/127\.0\.0\.1:\d+\//),
    });
    const none = await t.get(`/api/sessions/default/contacts/${without}/picture`);
    expect(none.status).toBe(404);
    expect(none.body).toEqual({ error: 'No profile picture', details: expect.stringContaining(without) });

    const bad = await t.get('/api/sessions/default/contacts/0812345/picture');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('Invalid recipient');
    const group = await t.get('/api/sessions/default/contacts/120363000000000001@g.us/picture');
    expect(group.status).toBe(400);
  });

  it('blocks and unblocks a contact: the sandbox records it, the block list shows it', async () => {
    const phone = '6281100000701';
    await t.sandbox.contactSend(phone, t.account, { text: 'halo' });
    const lid = (await contactRecord(phone)).lid;

    const block = await t.post(`/api/sessions/default/contacts/${phone}/block`);
    expect(block.status).toBe(200);
    expect(block.body).toEqual({ session: 'default', jid: `${phone}@s.whatsapp.net`, blocked: true });
    expect((await contactRecord(phone)).blockedBy).toEqual([t.account]);
    const list = await t.get('/api/sessions/default/blocklist');
    expect(list.status).toBe(200);
    expect(list.body).toEqual({
      session: 'default',
      items: [{ phone, jid: `${phone}@s.whatsapp.net`, lid }],
    });

    const unblock = await t.post(`/api/sessions/default/contacts/${lid}/unblock`);
    expect(unblock.status).toBe(200);
    expect(unblock.body).toMatchObject({ blocked: false });
    expect((await contactRecord(phone)).blockedBy).toEqual([]);
    expect((await t.get('/api/sessions/default/blocklist')).body.items).toEqual([]);
  });

  it('answers 503 for live calls while the session is not connected', async () => {
    expect((await t.post('/api/sessions', { id: `idle-${thread}` })).status).toBe(201);
    for (const res of [
      await t.get(`/api/sessions/idle-${thread}/contacts/6281100000601/picture`),
      await t.post(`/api/sessions/idle-${thread}/contacts/6281100000601/block`),
      await t.get(`/api/sessions/idle-${thread}/blocklist`),
    ]) {
      expect(res.status).toBe(503);
      expect(res.body.error).toBe('WhatsApp not connected');
    }
    expect((await t.get(`/api/sessions/idle-${thread}/contacts`)).body).toEqual({
      items: [],
      nextCursor: null,
    });
  });
});
