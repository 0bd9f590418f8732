import { startSandboxProcess, type SandboxProcess } from '../support/sandbox-process';
import { startTestApp, type TestApp } from '../support/test-app';
import { waitUntil } from '../support/wait';

describe('the sandbox in its own process, with the gateway', () => {
  let sandbox: SandboxProcess | undefined;
  let t: TestApp | undefined;
  afterAll(async () => {
    await t?.close();
    await sandbox?.stop();
  });

  it('links the gateway by a scanned QR, stores a contact message and delivers a reply', async () => {
    sandbox = await startSandboxProcess();
    t = await startTestApp({
      WA_WEBSOCKET_URL: sandbox.wsUrl,
      WA_RECONNECT_BASE_MS: '100',
      THROTTLE_LIMIT: '100000',
    });
    const get = (p: string) => t!.http().get(p).set('X-API-Key', t!.apiKey);
    const qr = await waitUntil(
      async () => {
        const res = await get('/api/sessions/default/qr');
        return res.status === 200 ? (res.body.qr as string) : null;
      },
      { timeoutMs: 30_000, intervalMs: 200, what: 'a QR from the gateway' },
    );
    const { phone } = await sandbox.scanQr(qr);
    await waitUntil(async () => (await get('/api/sessions/default')).body.status === 'connected', {
      timeoutMs: 30_000,
      what: 'the session to connect',
    });
    expect((await sandbox.accounts()).find((a) => a.phone === phone)?.devices[0].connected).toBe(true);

    const contact = '6281234577001';
    const { id } = await sandbox.contactSend(contact, phone, 'hello from another process');
    const stored = await waitUntil(
      async () => {
        const res = await get(`/api/sessions/default/messages?chat=${contact}&limit=10`);
        return res.body.items?.find((m: { waMessageId: string | null }) => m.waMessageId === id);
      },
      { what: 'the contact message stored by the gateway' },
    );
    expect(stored.text).toBe('hello from another process');
    // The gateway acknowledged it, so the sandbox holds nothing for the device any more.
    await waitUntil(async () => (await sandbox!.deviceQueue(phone))[0].stanzas.length === 0, {
      what: 'the device queue to empty',
    });

    const sent = await t
      .http()
      .post('/api/sessions/default/messages')
      .set('X-API-Key', t.apiKey)
      .send({ to: contact, type: 'text', text: 'reply' });
    expect(sent.status).toBe(202);
    const [received] = await sandbox.waitForReceived(contact, 1);
    expect(received).toMatchObject({ text: 'reply', fromAccount: phone, timesReceived: 1 });
    // The contact's receipts reach the gateway: the message goes to `read`.
    await waitUntil(
      async () => (await get(`/api/sessions/default/messages/${sent.body.id}`)).body.status === 'read',
      {
        what: 'the reply to be read',
      },
    );

    // The gateway marks the contact's message read: the contact records the read receipt.
    const read = await t
      .http()
      .post(`/api/sessions/default/chats/${contact}/read`)
      .set('X-API-Key', t.apiKey);
    expect(read.body).toMatchObject({ count: 1, waMessageIds: [id] });
    await waitUntil(async () => (await sandbox!.contactRecord(contact)).sent[0]?.receipts.readAt, {
      what: 'the contact to see its message read',
    });
    // Not subscribed to the contact's presence: WhatsApp relays nothing.
    expect(await sandbox.contactPresence(contact, phone, 'typing')).toEqual({ delivered: 0 });

    // The contact edits its message: the gateway's history shows the new text and keeps the old one.
    await sandbox.contactChange(contact, phone, { edit: { id, text: 'hello, edited' } });
    const edited = await waitUntil(
      async () => {
        const m = (await get(`/api/sessions/default/messages/${stored.id}`)).body;
        return m.text === 'hello, edited' ? m : null;
      },
      { what: 'the edit stored by the gateway' },
    );
    expect(edited.details.edits[0].previousText).toBe('hello from another process');
    await expect(sandbox.contactChange(contact, phone, {} as never)).rejects.toThrow(/400/);
    await expect(
      sandbox.contactChange(contact, phone, { vote: { pollId: id, options: ['x'] } }),
    ).rejects.toThrow(/400.*has no poll/);
  });
});

describe('the standalone sandbox control API', () => {
  let sandbox: SandboxProcess | undefined;
  afterAll(() => sandbox?.stop());

  it('answers malformed or impossible requests with a 4xx {error, details}', async () => {
    sandbox = await startSandboxProcess();
    const post = (route: string, body: string) =>
      fetch(sandbox!.control + route, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
    const cases: [Promise<Response>, number][] = [
      [post('/contact-send', '{not json'), 400],
      [post('/contact-send', JSON.stringify({ from: '62812', to: 5, text: 'x' })), 400],
      [post('/contact-send-many', JSON.stringify({ from: '62812', to: '62800', n: 0, prefix: 'x' })), 400],
      [post('/contact-send', JSON.stringify({ from: '62812', to: '62899999', text: 'x' })), 422],
      [post('/scan', JSON.stringify({ qr: 'not-a-qr' })), 422],
      [post('/refuse-media', JSON.stringify({ id: '3EB0AA', status: 500 })), 400],
      [post('/refuse-media', JSON.stringify({ status: 410 })), 400],
      [post('/nowhere', '{}'), 404],
      [
        post('/contact-presence', JSON.stringify({ contact: '62812', account: '62800', state: 'dance' })),
        400,
      ],
      [
        post('/contact-presence', JSON.stringify({ contact: '62812', account: '62800', state: 'typing' })),
        422,
      ],
      [fetch(`${sandbox.control}/contact`), 400],
      [fetch(`${sandbox.control}/device-queue`), 400],
    ];
    for (const [response, status] of cases) {
      const res = await response;
      expect(res.status).toBe(status);
      expect(await res.json()).toEqual({ error: expect.any(String), details: expect.any(String) });
    }
    // A refusal may be set before the contact sends the message: no file on the host yet.
    const refused = await post('/refuse-media', JSON.stringify({ id: '3EB0AA', status: 410 }));
    expect(await refused.json()).toEqual({ stored: false });
    expect(await sandbox.accounts()).toEqual([]);
  });
});
