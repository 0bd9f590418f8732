import { createHash } from 'node:crypto';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { all, SqlDatabase } from '../../src/database/sql/sql';
import { SessionManager } from '../../src/whatsapp/sessions/session-manager';
import { SessionsFacade } from '../../src/whatsapp/sessions/sessions.facade';
import { startSandboxApp, SandboxApp } from '../support/sandbox-app';
import { tempDir } from '../support/test-app';
import { waitUntil } from '../support/wait';

const NO_PACING = { SEND_MIN_INTERVAL_MS: '0', SEND_JITTER_MS: '0' };
const PNG_1X1 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

async function waitStatus(t: SandboxApp, id: string, status: string) {
  return waitUntil(
    async () => {
      const r = await t.get(`/api/sessions/default/messages/${id}`);
      return r.body.status === status ? r.body : null;
    },
    { what: `message ${id} to be ${status}` },
  );
}

describe('messaging against the sandbox', () => {
  let t: SandboxApp;
  beforeAll(async () => {
    t = await startSandboxApp(NO_PACING);
  });
  afterAll(() => t.close());

  it('delivers every kind with the right content', async () => {
    const contact = '6281100000001';
    const send = (body: object) => t.post('/api/sessions/default/messages', { to: contact, ...body });

    const text = await send({ type: 'text', text: 'Halo dari gateway' });
    expect(text.status).toBe(202);
    expect(text.body).toMatchObject({
      status: 'queued',
      direction: 'out',
      chat: `${contact}@s.whatsapp.net`,
      type: 'text',
    });
    const gotText = await t.sandbox.waitForReceived(contact, (m) => m.id === text.body.waMessageId);
    expect(gotText.text).toBe('Halo dari gateway');

    const image = await send({
      type: 'image',
      image: { base64: PNG_1X1, mimetype: 'image/png' },
      caption: 'Menu hari ini',
    });
    expect(image.status).toBe(202);
    const gotImage = await t.sandbox.waitForReceived(contact, (m) => m.id === image.body.waMessageId, 20_000);
    expect(gotImage.kind).toBe('image');
    expect(gotImage.caption).toBe('Menu hari ini');
    expect(gotImage.media?.sha256).toBe(
      createHash('sha256').update(Buffer.from(PNG_1X1, 'base64')).digest('hex'),
    );

    const pdf = Buffer.from('%PDF-1.4\n% gateway test\n');
    const doc = await send({
      type: 'document',
      document: { base64: pdf.toString('base64') },
      mimetype: 'application/pdf',
      fileName: 'invoice-42.pdf',
    });
    expect(doc.status).toBe(202);
    const gotDoc = await t.sandbox.waitForReceived(contact, (m) => m.id === doc.body.waMessageId, 20_000);
    expect(gotDoc).toMatchObject({
      kind: 'document',
      fileName: 'invoice-42.pdf',
      mimetype: 'application/pdf',
    });
    expect(gotDoc.media?.length).toBe(pdf.length);

    const loc = await send({
      type: 'location',
      location: { latitude: -6.1754, longitude: 106.8272, name: 'Monas' },
    });
    const gotLoc = await t.sandbox.waitForReceived(contact, (m) => m.id === loc.body.waMessageId);
    expect(gotLoc).toMatchObject({ kind: 'location', latitude: -6.1754, longitude: 106.8272 });

    const card = await send({ type: 'contact', contact: { name: 'Budi Santoso', phone: '6281234567890' } });
    const gotCard = await t.sandbox.waitForReceived(contact, (m) => m.id === card.body.waMessageId);
    expect(gotCard.kind).toBe('contact');
    expect(gotCard.vcard).toContain('waid=6281234567890');

    const reply = await send({ type: 'text', text: 'Ini balasan', quotedMessageId: text.body.id });
    const gotReply = await t.sandbox.waitForReceived(contact, (m) => m.id === reply.body.waMessageId);
    expect(gotReply.quotedId).toBe(text.body.waMessageId);

    const react = await send({
      type: 'reaction',
      reaction: { messageId: text.body.waMessageId, emoji: '👍' },
    });
    const gotReact = await t.sandbox.waitForReceived(contact, (m) => m.id === react.body.waMessageId);
    expect(gotReact.reaction).toEqual({ text: '👍', targetId: text.body.waMessageId });
  });

  it('refuses bad input with a clear 400; only the valid request is stored', async () => {
    const before = await t.get('/api/sessions/default/messages?limit=500');
    const cases: [object, string][] = [
      [{ to: '081234', type: 'text', text: 'x' }, 'to:'],
      [{ to: '6281234567890', type: 'sticker' }, 'type must be one of'],
      [{ to: '6281234567890', type: 'text' }, 'text'],
      [{ to: '6281234567890', type: 'image', image: { url: 'file:///etc/passwd' } }, 'http(s)'],
      [{ to: '6281234567890', type: 'text', text: 'x', extra: 1 }, 'extra'],
      [{ to: '6281234567890', type: 'location', location: { latitude: 200, longitude: 0 } }, 'latitude'],
    ];
    for (const [body, hint] of cases) {
      const res = await t.post('/api/sessions/default/messages', body);
      expect(res.status).toBe(400);
      expect(Object.keys(res.body).sort()).toEqual(['details', 'error']);
      expect(String(res.body.details)).toContain(hint);
    }
    const tooBig = await t.post('/api/sessions/default/messages', {
      to: '6281234567890',
      type: 'document',
      document: { base64: 'A'.repeat(100), mimetype: 'text/plain' },
      fileName: 'a.txt',
    });
    expect(tooBig.status).toBe(202); // small enough; the limit itself is covered below with a tiny MEDIA_MAX_BYTES app
    const after = await t.get('/api/sessions/default/messages?limit=500');
    expect(after.body.items.length).toBe(before.body.items.length + 1);
    expect(
      (await t.post('/api/sessions/nope/messages', { to: '6281234567890', type: 'text', text: 'x' })).status,
    ).toBe(404);
  });

  it('seed send answers the exact seed shape', async () => {
    const res = await t.post('/api/whatsapp/send', {
      to: '6281100000002',
      message: 'Hello from WhatsApp API!',
    });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['message', 'messageId', 'success', 'to']);
    expect(res.body).toMatchObject({
      success: true,
      to: '6281100000002@s.whatsapp.net',
      message: 'Hello from WhatsApp API!',
    });
    const got = await t.sandbox.waitForReceived('6281100000002', (m) => m.id === res.body.messageId);
    expect(got.text).toBe('Hello from WhatsApp API!');
  });

  it('the same Idempotency-Key sends once and answers the same', async () => {
    const contact = '6281100000003';
    const body = { to: contact, type: 'text', text: 'only once' };
    const a = await t
      .http()
      .post('/api/sessions/default/messages')
      .set('X-API-Key', t.apiKey)
      .set('Idempotency-Key', 'order-42')
      .send(body);
    const b = await t
      .http()
      .post('/api/sessions/default/messages')
      .set('X-API-Key', t.apiKey)
      .set('Idempotency-Key', 'order-42')
      .send(body);
    expect(a.status).toBe(202);
    expect(b.body.id).toBe(a.body.id);
    await waitStatus(t, a.body.id, 'read');
    const c = await t
      .http()
      .post('/api/sessions/default/messages')
      .set('X-API-Key', t.apiKey)
      .set('Idempotency-Key', 'order-42')
      .send(body);
    expect(c.body.id).toBe(a.body.id);
    expect(t.sandbox.received(contact).filter((m) => m.text === 'only once')).toHaveLength(1);
  });

  it('records delivered and read receipts with timestamps', async () => {
    const res = await t.post('/api/sessions/default/messages', {
      to: '6281100000004',
      type: 'text',
      text: 'receipts please',
    });
    const read = await waitStatus(t, res.body.id, 'read');
    expect(Date.parse(read.sentAt)).toBeGreaterThan(0);
    expect(Date.parse(read.deliveredAt)).toBeGreaterThan(0);
    expect(Date.parse(read.readAt)).toBeGreaterThanOrEqual(Date.parse(read.deliveredAt));
  });

  it("stores a contact's message once even when delivered twice, with sender and push name", async () => {
    const contact = '6281100000005';
    const { id } = await t.sandbox.contactSend(contact, t.account, { text: 'halo' }, { pushName: 'Siti' });
    const stored = await waitUntil(
      async () => {
        const r = await t.get(`/api/sessions/default/messages/${id}`);
        return r.status === 200 ? r.body : null;
      },
      { what: 'the incoming message' },
    );
    expect(stored).toMatchObject({
      direction: 'in',
      text: 'halo',
      type: 'text',
      status: 'received',
      from: { phone: contact, pushName: 'Siti' },
    });
    await t.sandbox.contactSend(contact, t.account, { text: 'halo' }, { pushName: 'Siti', id });
    const { id: marker } = await t.sandbox.contactSend(contact, t.account, { text: 'after' });
    await waitUntil(async () => (await t.get(`/api/sessions/default/messages/${marker}`)).status === 200, {
      what: 'marker',
    });
    const list = await t.get(`/api/sessions/default/messages?chat=${contact}&limit=50`);
    expect(list.body.items.filter((m: any) => m.waMessageId === id)).toHaveLength(1);

    const image = await t.sandbox.contactSend(contact, t.account, { image: { caption: 'lihat ini' } });
    const img = await waitUntil(
      async () => {
        const r = await t.get(`/api/sessions/default/messages/${image.id}`);
        return r.status === 200 ? r.body : null;
      },
      { what: 'the incoming image' },
    );
    expect(img).toMatchObject({ type: 'image', text: 'lihat ini' });
    expect(img.details.media.mimetype).toMatch(/^image\//);
  });

  it('history paginates without gaps or repeats', async () => {
    for (let i = 0; i < 23; i++) {
      const r = await t.post('/api/whatsapp/receive', {
        from: '6281100000006',
        message: `page-${i}`,
        timestamp: 1700000000 + i,
      });
      expect(r.body).toMatchObject({ status: 'success' });
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = `/api/sessions/default/messages?chat=6281100000006&limit=7${cursor ? `&cursor=${cursor}` : ''}`;
      const page: any = await t.get(q);
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((m: any) => m.text));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(Array.from({ length: 23 }, (_, i) => `page-${22 - i}`));
    expect((await t.get('/api/sessions/default/messages?cursor=!!')).status).toBe(400);
  });

  it('looks numbers up', async () => {
    const yes = await t.get('/api/sessions/default/contacts/6281100000007');
    expect(yes.body).toMatchObject({
      phone: '6281100000007',
      exists: true,
      jid: '6281100000007@s.whatsapp.net',
    });
    const no = await t.get('/api/sessions/default/contacts/9991100000007');
    expect(no.body).toMatchObject({ exists: false });
  });

  it('fails a message to a number not on WhatsApp, asking WhatsApp once for a bulk send', async () => {
    const seed = await t.post('/api/whatsapp/send', { to: '9991234567', message: 'anyone there?' });
    expect(seed.status).toBe(422);
    expect(seed.body).toEqual({
      error: 'Recipient not on WhatsApp',
      details: '9991234567 has no WhatsApp account',
    });

    const conn = t.app.get(SessionsFacade).connection('default');
    const lookup = jest.spyOn(conn, 'lookup');
    const failed: { id: string; status: string; error: string }[] = [];
    const onStatus = (e: { data: { id: string; status: string; error: string } }) => failed.push(e.data);
    const emitter = t.app.get(EventEmitter2);
    emitter.on('message.status', onStatus);
    try {
      const sends = await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          t.post('/api/sessions/default/messages', { to: '9991234568', type: 'text', text: `bulk ${i}` }),
        ),
      );
      for (const res of sends) expect(res.status).toBe(202);
      for (const res of sends) {
        const row = await waitStatus(t, res.body.id, 'failed');
        expect(row.error).toBe('Recipient not on WhatsApp: 9991234568 has no WhatsApp account');
      }
      const ids = sends.map((r) => r.body.id);
      await waitUntil(() => ids.every((id) => failed.some((e) => e.id === id && e.status === 'failed')), {
        what: 'message.status failed for every message',
      });
      expect(lookup.mock.calls.filter(([phone]) => phone === '9991234568')).toHaveLength(1);
      expect(t.sandbox.received('9991234568')).toEqual([]);

      // A registered number is still sent to.
      const ok = await t.post('/api/sessions/default/messages', {
        to: '6281100000009',
        type: 'text',
        text: 'hi',
      });
      await waitStatus(t, ok.body.id, 'read'); // 'sent' lasts only until the contact's receipts
    } finally {
      emitter.off('message.status', onStatus);
      lookup.mockRestore();
    }
  });

  it('a slow recipient lookup holds back only its own chat, which keeps its order', async () => {
    const slow = '6281100000031';
    const other = '6281100000032';
    const conn = t.app.get(SessionsFacade).connection('default');
    const original = conn.lookup.bind(conn);
    let answer: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (answer = resolve));
    const lookup = jest.spyOn(conn, 'lookup').mockImplementation(async (phone: string) => {
      if (phone === slow) await held;
      return original(phone);
    });
    try {
      const first = await t.post('/api/sessions/default/messages', {
        to: slow,
        type: 'text',
        text: 'slow 1',
      });
      await waitUntil(() => lookup.mock.calls.some(([phone]) => phone === slow) || null, {
        what: 'the lookup of the slow number to start',
      });
      const second = await t.post('/api/sessions/default/messages', {
        to: slow,
        type: 'text',
        text: 'slow 2',
      });
      const elsewhere = await t.post('/api/sessions/default/messages', {
        to: other,
        type: 'text',
        text: 'go on',
      });
      // The other chat's message goes out while the first chat's lookup is still unanswered.
      await t.sandbox.waitForReceived(other, (m) => m.text === 'go on');
      expect(t.sandbox.received(slow)).toEqual([]);
      answer();
      await t.sandbox.waitForReceived(slow, (m) => m.text === 'slow 2');
      expect(t.sandbox.received(slow).map((m) => m.text)).toEqual(['slow 1', 'slow 2']);
      for (const res of [first, second, elsewhere]) await waitStatus(t, res.body.id, 'read');
    } finally {
      answer();
      lookup.mockRestore();
    }
  });

  it('issues a privacy token to a contact once, not with every message', async () => {
    // After a 1:1 send Baileys issues a trusted-contact token in the background and records when; that record
    // must reach the auth store, or every later send issues again (an extra IQ per message to WhatsApp).
    const contact = '6281100000008';
    const issued = () => t.sandbox.accounts().find((a) => a.phone === t.account)!.privacyTokensIssued;
    const before = issued();
    const db = t.app.get(SqlDatabase);
    const tokenRows = () =>
      db.read(() =>
        all(`SELECT id FROM auth_keys WHERE session_id = 'default' AND type = 'tctoken' AND id != '__index'`),
      );
    const known = (await tokenRows()).length;
    for (let i = 0; i < 4; i++) {
      const sent = await t.post('/api/sessions/default/messages', {
        to: contact,
        type: 'text',
        text: `token ${i}`,
      });
      await t.sandbox.waitForReceived(contact, (m) => m.id === sent.body.waMessageId);
      // The next send starts only once this one's issuance has been answered and recorded.
      await waitUntil(async () => ((await tokenRows()).length > known ? true : null), {
        what: 'the issued token to be recorded',
      });
    }
    expect(issued() - before).toBe(1);
  });
});

describe('queue durability', () => {
  it('20 messages queued while disconnected go out once, in order, after reconnect; a restart loses none', async () => {
    const dir = tempDir('gw-queue-');
    let t = await startSandboxApp(NO_PACING, { dir });
    const contact = '6281100000010';
    try {
      await t.app.get(SessionManager).stop('default');
      await t.waitForStatus('default', 'disconnected');
      const ids: string[] = [];
      for (let i = 0; i < 20; i++) {
        const r = await t.post('/api/sessions/default/messages', {
          to: contact,
          type: 'text',
          text: `q-${i}`,
        });
        expect(r.body.status).toBe('queued');
        ids.push(r.body.id);
      }
      expect((await t.get('/api/sessions/default')).body.queueDepth).toBe(20);
      const seedDown = await t.post('/api/whatsapp/send', { to: contact, message: 'x' });
      expect(seedDown.status).toBe(503);
      expect(seedDown.body).toEqual({
        error: 'WhatsApp not connected',
        details: 'Connection status is disconnected',
      });

      await t.app.get(SessionManager).start('default');
      await waitUntil(() => t.sandbox.received(contact).length >= 20, { what: '20 messages at the contact' });
      expect(t.sandbox.received(contact).map((m) => m.text)).toEqual(ids.map((_, i) => `q-${i}`));

      // Restart with a non-empty queue: stop the session, queue 5, stop the app, boot it again.
      await t.app.get(SessionManager).stop('default');
      for (let i = 0; i < 5; i++)
        await t.post('/api/sessions/default/messages', { to: contact, type: 'text', text: `r-${i}` });
      await t.close();
      t = await startSandboxApp(NO_PACING, { dir, link: false });
      await waitUntil(() => t.sandbox.received(contact).length >= 25, { what: '5 more after restart' });
      await waitUntil(async () => (await t.get('/api/sessions/default')).body.queueDepth === 0, {
        what: 'empty queue',
      });
      const texts = t.sandbox.received(contact).map((m) => m.text);
      expect(texts).toEqual([...ids.map((_, i) => `q-${i}`), 'r-0', 'r-1', 'r-2', 'r-3', 'r-4']);
    } finally {
      await t.close();
    }
  });

  it('a session stopped mid-drain puts back what it had claimed; everything goes out once, in order', async () => {
    const t = await startSandboxApp(NO_PACING);
    const contact = '6281100000011';
    const N = 300;
    try {
      await t.app.get(SessionManager).stop('default');
      await t.waitForStatus('default', 'disconnected');
      for (let i = 0; i < N; i++)
        await t.post('/api/sessions/default/messages', { to: contact, type: 'text', text: `d-${i}` });
      const early = t.sandbox.waitForReceived(contact, (m) => m.text === 'd-5', 30_000);
      await t.app.get(SessionManager).start('default');
      await early;
      await t.app.get(SessionManager).stop('default');
      const db = t.app.get(SqlDatabase);
      // queued, sending, and gone out (sent, or already delivered/read by the sandbox's receipts)
      const counts = async () => {
        const rows = await db.read(() =>
          all<{ status: string }>(`SELECT status FROM messages WHERE chat_jid = ?`, [
            `${contact}@s.whatsapp.net`,
          ]),
        );
        const n = (f: (s: string) => boolean) => rows.filter((r) => f(r.status)).length;
        return {
          queued: n((s) => s === 'queued'),
          sending: n((s) => s === 'sending'),
          out: n((s) => ['sent', 'delivered', 'read'].includes(s)),
        };
      };
      // Stopped part-way: nothing is left claimed, and a row is marked as gone out only if the contact got it.
      // One the server had not acknowledged yet went back to the queue: the contact's receipt settles it, or it
      // is sent again under the same id, which the contact ignores.
      const stopped = await waitUntil(async () => {
        const c = await counts();
        return c.sending ? null : c;
      });
      expect(stopped.queued).toBeGreaterThan(0);
      expect(stopped.out).toBeLessThanOrEqual(t.sandbox.received(contact).length);

      await t.app.get(SessionManager).start('default');
      await waitUntil(() => t.sandbox.received(contact).length >= N, {
        what: `${N} messages at the contact`,
      });
      await waitUntil(async () => ((await counts()).out === N ? true : null), { what: 'all marked sent' });
      await waitUntil(async () => (await t.get('/api/sessions/default')).body.queueDepth === 0, {
        what: 'an empty queue',
      });
      expect(t.sandbox.received(contact).map((m) => m.text)).toEqual(
        Array.from({ length: N }, (_, i) => `d-${i}`),
      );
    } finally {
      await t.close();
    }
  });

  it('refuses media over MEDIA_MAX_BYTES with 400', async () => {
    const t = await startSandboxApp({ ...NO_PACING, MEDIA_MAX_BYTES: '2048' }, { link: false });
    try {
      const res = await t.post('/api/sessions/default/messages', {
        to: '6281234567890',
        type: 'image',
        image: { base64: Buffer.alloc(4096).toString('base64'), mimetype: 'image/png' },
      });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('Media too large');
    } finally {
      await t.close();
    }
  });
});
