import { WhatsAppSandbox } from '../../src/sandbox/whatsapp-sandbox';
import { BaileysTestClient } from '../support/baileys-test-client';

describe('pairing-code login', () => {
  let sandbox: WhatsAppSandbox;
  let client: BaileysTestClient;

  beforeAll(async () => {
    sandbox = await WhatsAppSandbox.start({ port: 0 });
  });

  afterAll(async () => {
    await client?.end();
    await sandbox.stop();
  });

  it('links the device when the phone enters the code from requestPairingCode', async () => {
    const phone = '6281355500001';
    client = new BaileysTestClient(sandbox);
    const sock = client.connect();
    await client.waitForConnection((u) => !!u.qr);
    const code = await sock.requestPairingCode(phone);
    expect(code).toMatch(/^[A-Z0-9]{8}$/);

    const linked = await sandbox.enterPairingCode(phone, code);
    expect(linked.phone).toBe(phone);
    await client.waitFor('creds.update', (c) => c.registered === true);
    expect(await client.waitForClose()).toBe(515);
    expect(client.auth.state.creds.registered).toBe(true);
    expect(client.auth.state.creds.me?.id).toBe(linked.deviceJid);

    client.connect();
    await client.waitForOpen();
    const sent = await client.sock!.sendMessage('6281355500002@s.whatsapp.net', { text: 'linked by code' });
    expect((await sandbox.waitForReceived('6281355500002', (m) => m.id === sent!.key.id)).text).toBe(
      'linked by code',
    );
  });

  it('does not link with a wrong code', async () => {
    const phone = '6281355500003';
    const other = new BaileysTestClient(sandbox);
    const sock = other.connect();
    await other.waitForConnection((u) => !!u.qr);
    await sock.requestPairingCode(phone);
    await expect(sandbox.enterPairingCode(phone, 'WRONG123')).rejects.toThrow(/does not match/);
    expect(sandbox.accounts().find((a) => a.phone === phone)?.devices ?? []).toEqual([]);
    await other.end();
  });
});
