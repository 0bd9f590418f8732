import { startSandboxProcess, type SandboxProcess } from '../support/sandbox-process';
import { tempDir } from '../support/test-app';
import { waitUntil } from '../support/wait';
import {
  gatewayEnv,
  GatewayChild,
  linkDefault,
  query,
  startGatewayChild,
  waitConnected,
} from './support/gateway-child';

const CONTACTS = ['6281300000801', '6281300000802', '6281300000803'];
/** 15 in all: within the sender's window (16 sends in flight), so all are written before any is answered. */
const PER_CONTACT = 5;

/**
 * `kill -9` of the gateway (a child process) right after it wrote message stanzas that never reached WhatsApp's
 * server: the sandbox (its own process) loses them unread, as frames still in the kernel's buffer when the
 * process dies. Written is not sent: without the server's acknowledgement the rows stay `sending`, go back to
 * the queue at the restart and are sent again under their WhatsApp ids.
 */
describe('kill -9 of the gateway right after its sends were written', () => {
  let sandbox: SandboxProcess | undefined;
  let gw: GatewayChild | undefined;
  afterAll(async () => {
    await gw?.kill();
    await sandbox?.stop();
  });

  it('every message reaches its contact exactly once and ends delivered or read', async () => {
    sandbox = await startSandboxProcess();
    const dir = tempDir('gw-kill-sent-');
    const env = gatewayEnv(dir, sandbox, { SEND_MIN_INTERVAL_MS: '0', SEND_JITTER_MS: '0' });
    gw = await startGatewayChild(env);
    const account = await linkDefault(gw, sandbox);
    const accepted: { id: string; contact: string; text: string }[] = [];
    const send = async (contact: string, text: string) => {
      const res = await gw!.post('/api/sessions/default/messages', { to: contact, type: 'text', text });
      expect(res.status).toBe(202);
      accepted.push({ id: res.body.id, contact, text });
    };
    // One message each first, acknowledged and received as usual.
    for (const contact of CONTACTS) await send(contact, `first ${contact}`);
    for (const contact of CONTACTS) await sandbox.waitForReceived(contact, 1, 30_000);

    // From now on the server loses what the gateway writes; the gateway is killed once all of it was written.
    expect(await sandbox.dropMessages(account, true)).toBe(0);
    for (let i = 0; i < PER_CONTACT; i++)
      for (const contact of CONTACTS) await send(contact, `lost ${contact} ${i}`);
    const lost = CONTACTS.length * PER_CONTACT;
    await waitUntil(async () => (await sandbox!.dropMessages(account, true)) >= lost, {
      timeoutMs: 60_000,
      intervalMs: 20,
      what: `${lost} message stanzas written`,
    });
    await gw.kill();
    // Each written once: a send waiting for its acknowledgement does not hold back the ones after it (and none
    // waited long enough to be given up and sent again on a new connection).
    expect(await sandbox.dropMessages(account, false)).toBe(lost);
    // Written, not acknowledged: none of them counts as sent.
    const statuses = query<{ status: string; n: number }>(
      dir,
      `SELECT status, COUNT(*) AS n FROM messages WHERE direction = 'out' AND text LIKE 'lost %' GROUP BY status`,
    );
    expect(statuses).toEqual([{ status: 'sending', n: lost }]);

    gw = await startGatewayChild(env);
    await waitConnected(gw);
    for (const contact of CONTACTS) await sandbox.waitForReceived(contact, PER_CONTACT + 1, 60_000);
    const problems: string[] = [];
    for (const contact of CONTACTS) {
      const records = await sandbox.received(contact);
      const ours = accepted.filter((a) => a.contact === contact);
      // exactly the accepted messages, each once, under the id its row has
      expect(records.map((r) => r.text).sort()).toEqual(ours.map((a) => a.text).sort());
      for (const a of ours) {
        const row = (await gw.get(`/api/sessions/default/messages/${a.id}`)).body;
        const record = records.find((r) => r.text === a.text);
        if (record?.id !== row.waMessageId || record?.timesReceived !== 1)
          problems.push(
            `${a.text}: id ${row.waMessageId} vs ${record?.id}, received ${record?.timesReceived}`,
          );
      }
    }
    expect(problems).toEqual([]);
    await waitUntil(
      async () => {
        const rows = await Promise.all(
          accepted.map(async (a) => (await gw!.get(`/api/sessions/default/messages/${a.id}`)).body.status),
        );
        return rows.every((s) => s === 'delivered' || s === 'read');
      },
      { timeoutMs: 60_000, intervalMs: 500, what: 'every message delivered or read' },
    );
    expect((await gw.get('/api/sessions/default')).body.queueDepth).toBe(0);
  }, 300_000);
});
