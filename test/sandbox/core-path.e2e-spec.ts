import { jidNormalizedUser, type proto } from '@whiskeysockets/baileys';
import { WhatsAppSandbox } from '../../src/sandbox/whatsapp-sandbox';
import { BaileysTestClient } from '../support/baileys-test-client';

describe('sandbox core path with the real Baileys client', () => {
  let sandbox: WhatsAppSandbox;

  beforeAll(async () => {
    sandbox = await WhatsAppSandbox.start({ port: 0 });
  });

  afterAll(async () => {
    await sandbox.stop();
  });

  it('pairs by QR, sends and receives text with receipts, then logs out with 401', async () => {
    const client = new BaileysTestClient(sandbox, { qrTimeout: 1500 });
    client.connect();
    const first = await client.waitForConnection((u) => !!u.qr);
    // A new QR after the rotation interval, for the next server ref.
    const second = await client.waitForConnection((u) => !!u.qr && u.qr !== first.qr);
    expect(second.qr!.split('#')[1].split(',')[0]).not.toEqual(first.qr!.split('#')[1].split(',')[0]);

    const linked = await sandbox.scanQr(second.qr!, { pushName: 'Core Biz' });
    await client.waitFor('creds.update', (c) => !!c.me?.id);
    expect(client.auth.state.creds.me?.id).toBe(linked.deviceJid);
    expect(await client.waitForClose()).toBe(515);

    client.connect();
    await client.waitForOpen();
    expect(sandbox.isConnected(linked.phone)).toBe(true);
    const sock = client.sock!;

    const contact = '6281234500001';
    const sent = await sock.sendMessage(`${contact}@s.whatsapp.net`, { text: 'hello from the gateway' });
    const recorded = await sandbox.waitForReceived(contact, (m) => m.id === sent!.key.id);
    expect(recorded).toMatchObject({
      kind: 'text',
      text: 'hello from the gateway',
      fromAccount: linked.phone,
    });

    const isStatus =
      (status: number) => (updates: { key: proto.IMessageKey; update: { status?: number | null } }[]) =>
        updates.some((u) => u.key.id === sent!.key.id && u.update.status === status);
    await client.waitFor('messages.update', isStatus(3));
    await client.waitFor('messages.update', isStatus(4));

    const inbound = await sandbox.contactSend(
      contact,
      linked.phone,
      { text: 'hi gateway' },
      { pushName: 'Bob' },
    );
    const upsert = await client.waitFor(
      'messages.upsert',
      (u) => u.type === 'notify' && u.messages.some((m) => m.key.id === inbound.id),
    );
    const msg = upsert.messages.find((m) => m.key.id === inbound.id)!;
    expect(msg.key.fromMe).toBe(false);
    expect(jidNormalizedUser(msg.key.remoteJid!)).toBe(`${contact}@s.whatsapp.net`);
    expect(msg.pushName).toBe('Bob');
    expect(msg.message?.conversation ?? msg.message?.extendedTextMessage?.text).toBe('hi gateway');

    await sock.logout();
    expect(await client.waitForClose()).toBe(401);
    // The stale creds are refused from now on.
    client.connect();
    expect(await client.waitForClose()).toBe(401);
  });

  it('closes with 408 when the QR refs run out', async () => {
    const short = await WhatsAppSandbox.start({ port: 0, qrRefs: 2 });
    try {
      const client = new BaileysTestClient(short, { qrTimeout: 400 });
      client.connect();
      const code = await client.waitForClose();
      expect(code).toBe(408);
      expect(
        client.log.filter((e) => e.name === 'connection.update' && 'qr' in e.data && e.data.qr),
      ).toHaveLength(2);
    } finally {
      await short.stop();
    }
  });
});
