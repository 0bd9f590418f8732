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
  });
});
