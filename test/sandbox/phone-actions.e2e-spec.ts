import { useLinkedClient } from '../support/linked-client';
import { waitUntil } from '../support/wait';

describe('what the simulated phone and network do to a linked client', () => {
  const linked = useLinkedClient();

  it('answers onWhatsApp: registered numbers exist, 999… and setRegistered(false) numbers do not', async () => {
    const sock = linked.client.sock!;
    expect(await sock.onWhatsApp('6281234500201')).toEqual([
      { jid: '6281234500201@s.whatsapp.net', exists: true },
    ]);
    const missing = await sock.onWhatsApp('9991234500201');
    expect(missing?.some((r) => r.exists)).toBe(false);
    linked.sandbox.setRegistered('6281234500202', false);
    const removed = await sock.onWhatsApp('6281234500202');
    expect(removed?.some((r) => r.exists)).toBe(false);
  });

  it("delivers a message sent from the account's own phone as fromMe", async () => {
    const { id } = await linked.sandbox.phoneSend(linked.phone, '6281234500203', 'sent on the phone');
    const upsert = await linked.client.waitFor('messages.upsert', (u) =>
      u.messages.some((m) => m.key.id === id),
    );
    const msg = upsert.messages.find((m) => m.key.id === id)!;
    expect(msg.key.fromMe).toBe(true);
    expect(msg.key.remoteJid).toBe('6281234500203@s.whatsapp.net');
    expect(msg.message?.conversation).toBe('sent on the phone');
    expect(linked.sandbox.received('6281234500203')[0]).toMatchObject({
      id,
      text: 'sent on the phone',
      fromDevice: 0,
    });
  });

  it('drops the connection; the client reconnects and gets messages queued while it was offline', async () => {
    for (const how of ['drop', 'stream-error'] as const) {
      // Whatever the client has not acknowledged yet would come again too; start from an empty queue.
      await waitUntil(() => linked.sandbox.accounts()[0].devices[0].queued === 0, { what: 'acks' });
      const closed = linked.client.waitForClose();
      linked.sandbox.disconnect(linked.phone, how);
      const code = await closed;
      expect(code).toBeDefined();
      expect(code).not.toBe(401);
      expect(linked.sandbox.isConnected(linked.phone)).toBe(false);

      const queued = await linked.sandbox.contactSend('6281234500204', linked.phone, {
        text: `while offline (${how})`,
      });
      expect(linked.sandbox.accounts()[0].devices[0].queued).toBe(1);
      linked.client.connect();
      await linked.client.waitForOpen();
      const upsert = await linked.client.waitFor('messages.upsert', (u) =>
        u.messages.some((m) => m.key.id === queued.id),
      );
      expect(upsert.type).toBe('append');
      expect(upsert.messages[0].message?.conversation).toBe(`while offline (${how})`);
    }
  });

  it('unlinks from the phone: the client closes with 401 and its creds are refused afterwards', async () => {
    const closed = linked.client.waitForClose();
    linked.sandbox.unlink(linked.phone);
    expect(await closed).toBe(401);
    linked.client.connect();
    expect(await linked.client.waitForClose()).toBe(401);
    expect(linked.sandbox.accounts()[0].devices).toEqual([]);
  });
});
