import { SessionManager } from '../../src/whatsapp/sessions/session-manager';
import { startSandboxApp, SandboxApp } from '../support/sandbox-app';
import { waitUntil } from '../support/wait';

/**
 * A message counts as sent when WhatsApp's server acknowledges its stanza, not when the frame is written. The
 * sandbox holds its acks back (holdMessageAcks); its contacts' receipts are off (they would prove the arrival
 * too), so only the ack can move the message on.
 */
describe('a message is sent once the server acknowledges it', () => {
  let t: SandboxApp;
  beforeAll(async () => {
    t = await startSandboxApp({
      SEND_MIN_INTERVAL_MS: '0',
      SEND_JITTER_MS: '0',
      SANDBOX_DELIVERED_AFTER_MS: '3600000',
      SANDBOX_READ_AFTER_MS: '3600000',
    });
  });
  afterAll(() => t.close());

  const message = async (id: string) => (await t.get(`/api/sessions/default/messages/${id}`)).body;
  const depth = async () => (await t.get('/api/sessions/default')).body.queueDepth as number;

  it('stays sending while the ack is held, and is sent when it comes', async () => {
    const contact = '6281100000901';
    t.sandbox.holdMessageAcks(t.account, true);
    try {
      const res = await t.post('/api/sessions/default/messages', { to: contact, type: 'text', text: 'held' });
      expect(res.status).toBe(202);
      await t.sandbox.waitForReceived(contact, (m) => m.text === 'held');
      // At the contact, but not acknowledged: still in the queue.
      expect(await message(res.body.id)).toMatchObject({ status: 'sending', sentAt: null });
      expect(await depth()).toBe(1);
      t.sandbox.holdMessageAcks(t.account, false);
      await waitUntil(async () => (await message(res.body.id)).status === 'sent', { what: 'sent' });
      expect(await depth()).toBe(0);
    } finally {
      t.sandbox.holdMessageAcks(t.account, false);
    }
  });

  it('a connection lost before the ack sends it again under the same id, which the contact ignores', async () => {
    const contact = '6281100000902';
    t.sandbox.holdMessageAcks(t.account, true);
    try {
      const res = await t.post('/api/sessions/default/messages', {
        to: contact,
        type: 'text',
        text: 'again',
      });
      const first = await t.sandbox.waitForReceived(contact, (m) => m.text === 'again');
      await t.app.get(SessionManager).stop('default');
      await waitUntil(async () => (await message(res.body.id)).status === 'queued', { what: 'queued again' });
      expect(await depth()).toBe(1);

      t.sandbox.holdMessageAcks(t.account, false);
      await t.app.get(SessionManager).start('default');
      await waitUntil(async () => (await message(res.body.id)).status === 'sent', { what: 'sent' });
      const records = t.sandbox.received(contact);
      expect(records.map((m) => [m.id, m.text, m.timesReceived])).toEqual([[first.id, 'again', 2]]);
      expect((await message(res.body.id)).waMessageId).toBe(first.id);
      expect(await depth()).toBe(0);
    } finally {
      t.sandbox.holdMessageAcks(t.account, false);
    }
  });
});
