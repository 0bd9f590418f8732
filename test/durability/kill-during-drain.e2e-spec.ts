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

const CONTACTS = ['6281300000701', '6281300000702', '6281300000703'];
const PER_CONTACT = 100;
const KILLS = 2;

/**
 * `kill -9` of the gateway (a child process) while its send queue drains, restarting on the same data dir:
 * every accepted message reaches its contact exactly once as the contact's device sees it (a message sent again
 * after the crash carries the same WhatsApp id, which the device ignores), and ends `delivered` or `read`.
 */
describe('kill -9 of the gateway during a queue drain', () => {
  let sandbox: SandboxProcess | undefined;
  let gw: GatewayChild | undefined;
  afterAll(async () => {
    await gw?.kill();
    await sandbox?.stop();
  });

  it('every accepted message is received once by its contact and ends delivered or read', async () => {
    sandbox = await startSandboxProcess();
    const dir = tempDir('gw-kill-drain-');
    const env = gatewayEnv(dir, sandbox, { SEND_MIN_INTERVAL_MS: '0', SEND_JITTER_MS: '0' });
    gw = await startGatewayChild(env);
    await linkDefault(gw, sandbox);
    // The session is stopped while the queue fills (it holds its queue), then started: the drain runs on a
    // full queue.
    await gw.post('/api/sessions/default/stop').expect(200);

    const accepted: { id: string; contact: string; text: string }[] = [];
    for (let i = 0; i < PER_CONTACT; i++)
      for (const contact of CONTACTS) {
        const text = `drain ${contact} ${i}`;
        const res = await gw.post('/api/sessions/default/messages', { to: contact, type: 'text', text });
        expect(res.status).toBe(202);
        accepted.push({ id: res.body.id, contact, text });
      }
    await gw.post('/api/sessions/default/start').expect(200);
    const receivedTotal = async () =>
      (await Promise.all(CONTACTS.map((c) => sandbox!.received(c)))).reduce((n, r) => n + r.length, 0);
    const atKills: number[] = [];
    for (let kill = 1; kill <= KILLS; kill++) {
      // kill -9 mid-drain: some messages out, the rest queued or in flight
      const target = Math.floor((accepted.length * kill) / (KILLS + 2));
      await waitUntil(async () => (await receivedTotal()) >= target, {
        timeoutMs: 120_000,
        intervalMs: 20,
        what: `${target} messages at the contacts`,
      });
      await gw.kill();
      atKills.push(
        query<{ n: number }>(
          dir,
          `SELECT COUNT(*) AS n FROM messages WHERE status IN ('queued', 'sending')`,
        )[0].n,
      );
      gw = await startGatewayChild(env);
      await waitConnected(gw);
    }

    // the first kill came mid-drain: part of the queue was still to go
    expect(atKills[0]).toBeGreaterThan(0);
    for (const contact of CONTACTS) await sandbox.waitForReceived(contact, PER_CONTACT, 120_000);
    const problems: string[] = [];
    for (const contact of CONTACTS) {
      const records = await sandbox.received(contact);
      const ours = accepted.filter((a) => a.contact === contact);
      // exactly the accepted messages, each under one id (a resend with a new id would be a second message)
      expect(records.map((r) => r.text).sort()).toEqual(ours.map((a) => a.text).sort());
      for (const a of ours) {
        const row = (await gw.get(`/api/sessions/default/messages/${a.id}`)).body;
        const record = records.find((r) => r.text === a.text);
        if (record?.id !== row.waMessageId)
          problems.push(`${a.text}: id ${row.waMessageId} vs ${record?.id}`);
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
  }, 600_000);
});
