import { WhatsAppSandbox } from '../../src/sandbox/whatsapp-sandbox';
import { BaileysTestClient } from '../support/baileys-test-client';

describe('what the simulated phone and network do to a linked client', () => {
  let sandbox: WhatsAppSandbox;
  let client: BaileysTestClient;
  let phone: string;

  beforeAll(async () => {
    sandbox = await WhatsAppSandbox.start({ port: 0 });
    client = new BaileysTestClient(sandbox);
    ({ phone } = await client.link());
  });

  afterAll(async () => {
    await client.end();
    await sandbox.stop();
  });

  it('answers onWhatsApp: registered numbers exist, 999… and setRegistered(false) numbers do not', async () => {
    const sock = client.sock!;
    expect(await sock.onWhatsApp('6281234500201')).toEqual([
      { jid: '6281234500201@s.whatsapp.net', exists: true },
    ]);
    const missing = await sock.onWhatsApp('9991234500201');
    expect(missing?.some((r) => r.exists)).toBe(false);
    sandbox.setRegistered('6281234500202', false);
    const removed = await sock.onWhatsApp('6281234500202');
    expect(removed?.some((r) => r.exists)).toBe(false);
  });

  it("delivers a message sent from the account's own phone as fromMe", async () => {
    const { id } = await sandbox.phoneSend(phone, '6281234500203', 'sent on the phone');
    const upsert = await client.waitFor('messages.upsert', (u) => u.messages.some((m) => m.key.id === id));
    const msg = upsert.messages.find((m) => m.key.id === id)!;
    expect(msg.key.fromMe).toBe(true);
    expect(msg.key.remoteJid).toBe('6281234500203@s.whatsapp.net');
    expect(msg.message?.conversation).toBe('sent on the phone');
    expect(sandbox.received('6281234500203')[0]).toMatchObject({
      id,
      text: 'sent on the phone',
      fromDevice: 0,
    });
  });

  it('drops the connection; the client reconnects and gets messages queued while it was offline', async () => {
    for (const how of ['drop', 'stream-error'] as const) {
      const closed = client.waitForClose();
      sandbox.disconnect(phone, how);
      const code = await closed;
      expect(code).toBeDefined();
      expect(code).not.toBe(401);
      expect(sandbox.isConnected(phone)).toBe(false);

      const queued = await sandbox.contactSend('6281234500204', phone, { text: `while offline (${how})` });
      expect(sandbox.accounts()[0].devices[0].queued).toBe(1);
      client.connect();
      await client.waitForOpen();
      const upsert = await client.waitFor('messages.upsert', (u) =>
        u.messages.some((m) => m.key.id === queued.id),
      );
      expect(upsert.type).toBe('append');
      expect(upsert.messages[0].message?.conversation).toBe(`while offline (${how})`);
    }
  });

  it('unlinks from the phone: the client closes with 401 and its creds are refused afterwards', async () => {
    const closed = client.waitForClose();
    sandbox.unlink(phone);
    expect(await closed).toBe(401);
    client.connect();
    expect(await client.waitForClose()).toBe(401);
    expect(sandbox.accounts()[0].devices).toEqual([]);
  });
});
