import { startSandboxProcess, type SandboxProcess } from '../support/sandbox-process';
import { tempDir } from '../support/test-app';
import { waitUntil } from '../support/wait';
import { Receiver } from '../webhooks/support/receiver';
import {
  gatewayEnv,
  GatewayChild,
  linkDefault,
  query,
  startGatewayChild,
  waitConnected,
} from './support/gateway-child';

const CONTACTS = ['6281300000601', '6281300000602', '6281300000603'];
/**
 * Recipients of the gateway's own sends, apart from the senders of the burst: a contact and the gateway that
 * write to each other at the same moment (a session both sides start at once, or the ratchet of a busy one) can
 * end up needing WhatsApp's retry receipts, which the sandbox does not simulate, to understand each other again.
 */
const RECIPIENTS = ['6281300000611', '6281300000612', '6281300000613'];
const PER_CONTACT = 100;
const ROUNDS = 3;

/**
 * `kill -9` of the gateway (a child process) while contacts' messages pour in and receipts of what it sent come
 * back, three times in a row, restarting on the same data dir after each. The sandbox (its own process) acts as
 * WhatsApp's server: it forgets a stanza once the device acknowledged it and delivers what was not acknowledged
 * again at the next connection. The gateway acknowledges only what it has committed, so nothing is lost.
 */
describe('kill -9 of the gateway during an inbound burst', () => {
  let sandbox: SandboxProcess | undefined;
  let gw: GatewayChild | undefined;
  const receiver = new Receiver();
  afterAll(async () => {
    await gw?.kill();
    await sandbox?.stop();
    await receiver.close();
  });

  it('three kills: every message is stored once and reaches the webhook; every sent message ends as the contact reported', async () => {
    // Read receipts come a while after delivery, so some are on their way (or queued by the server) at a kill.
    sandbox = await startSandboxProcess({ receipts: { deliveredAfterMs: 200, readAfterMs: 1200 } });
    await receiver.listen();
    const dir = tempDir('gw-kill-in-');
    const env = gatewayEnv(dir, sandbox);
    gw = await startGatewayChild(env);
    const account = await linkDefault(gw, sandbox);
    await gw.post('/api/webhook-endpoints', { url: receiver.url, events: ['message.received'] }).expect(201);
    const storedIn = () =>
      query<{ n: number }>(dir, `SELECT COUNT(*) AS n FROM messages WHERE direction = 'in'`)[0].n;

    const bursts: Promise<{ ids: string[] }>[] = [];
    const sent: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      for (const contact of RECIPIENTS) {
        const res = await gw
          .post('/api/sessions/default/messages', { to: contact, type: 'text', text: `out ${round}` })
          .expect(202);
        sent.push(res.body.id);
      }
      // Not waited for: sends are under way at the kill too. A row counts as sent only once WhatsApp's server
      // acknowledged its stanza, so one whose frame was lost with the process is sent again after the restart
      // (under the same id, which a contact that has it ignores). Their Signal keys are committed before their
      // stanzas leave, so a message sent again does not set the session back, and the next round's messages
      // still decrypt at the contact.
      const before = storedIn();
      bursts.push(
        ...CONTACTS.map((c) => sandbox!.contactSendMany(c, account, PER_CONTACT, `in ${round} ${c}`)),
      );
      // kill -9 in the middle of the burst: some stored, more arriving
      await waitUntil(() => storedIn() >= before + 30, {
        timeoutMs: 60_000,
        intervalMs: 5,
        what: 'the burst to be under way',
      });
      await gw.kill();
      gw = await startGatewayChild(env);
      await waitConnected(gw);
    }

    const ids = (await Promise.all(bursts)).flatMap((b) => b.ids);
    expect(new Set(ids).size).toBe(ROUNDS * CONTACTS.length * PER_CONTACT);
    const storedCounts = () =>
      new Map(
        query<{ id: string; n: number }>(
          dir,
          `SELECT wa_message_id AS id, COUNT(*) AS n FROM messages WHERE direction = 'in' GROUP BY wa_message_id`,
        ).map((r) => [r.id, r.n]),
      );
    await waitUntil(() => ids.every((id) => storedCounts().has(id)), {
      timeoutMs: 120_000,
      intervalMs: 500,
      what: 'every message a contact sent to be stored',
    });
    const counts = storedCounts();
    expect(ids.filter((id) => counts.get(id) !== 1)).toEqual([]);
    expect(counts.size).toBe(ids.length);
    // with their content: a message delivered again after a crash still decrypts (the Signal keys its first
    // decryption advanced were not kept without its row)
    const texts = query<{ type: string; text: string }>(
      dir,
      `SELECT type, text FROM messages WHERE direction = 'in'`,
    );
    expect(texts.filter((m) => m.type !== 'text')).toEqual([]);
    const expectedTexts = [];
    for (let round = 0; round < ROUNDS; round++)
      for (const c of CONTACTS)
        for (let i = 0; i < PER_CONTACT; i++) expectedTexts.push(`in ${round} ${c} ${i}`);
    expect(texts.map((m) => m.text).sort()).toEqual(expectedTexts.sort());

    const atReceiver = () =>
      new Set(
        receiver.requests
          .map((r) => JSON.parse(r.body))
          .filter((e) => e.type === 'message.received')
          .map((e) => e.data.waMessageId as string),
      );
    await waitUntil(() => ids.every((id) => atReceiver().has(id)), {
      timeoutMs: 120_000,
      intervalMs: 500,
      what: 'every message at the webhook receiver',
    });

    // Receipts: each message the gateway sent ends at what the contact's device reported (read, in the end).
    const expected = async () => {
      const byId = new Map<string, string>();
      for (const contact of RECIPIENTS)
        for (const m of await sandbox!.received(contact))
          byId.set(m.id, m.receipts.readAt ? 'read' : m.receipts.deliveredAt ? 'delivered' : 'sent');
      return byId;
    };
    const mismatches = async () => {
      const reported = await expected();
      const wrong: string[] = [];
      for (const id of sent) {
        const row = (await gw!.get(`/api/sessions/default/messages/${id}`)).body;
        const want = reported.get(row.waMessageId);
        if (want !== 'read' || row.status !== want) wrong.push(`${id}: ${row.status}, reported ${want}`);
      }
      return wrong;
    };
    let wrong: string[] = [];
    await waitUntil(async () => (wrong = await mismatches()).length === 0, {
      timeoutMs: 60_000,
      intervalMs: 500,
      what: 'every sent message at the status its contact reported',
    }).catch(() => undefined);
    expect(wrong).toEqual([]);
    // Each reached its contact once, and the queue is empty.
    for (const contact of RECIPIENTS)
      expect((await sandbox.received(contact)).map((m) => m.text).sort()).toEqual(
        Array.from({ length: ROUNDS }, (_, round) => `out ${round}`),
      );
    expect((await gw.get('/api/sessions/default')).body.queueDepth).toBe(0);
    // The server holds nothing unacknowledged for the device any more.
    await waitUntil(async () => (await sandbox!.deviceQueue(account)).every((d) => d.stanzas.length === 0), {
      what: 'the device queue to be empty',
    });
  }, 600_000);
});
