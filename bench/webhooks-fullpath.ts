/**
 * Issue 6, the full path: a sandbox contact sends FULL_N texts to the gateway's linked account -> Baileys
 * decrypts them -> the gateway stores each with its outbox row -> the signed webhook reaches a loopback receiver.
 * Baseline in the same run: raw Baileys (in-memory auth, its own process) linked to the same sandbox, receiving
 * the same number of texts from the same kind of contact (first to last decrypted `messages.upsert`).
 * Target: the gateway's rate (first to last webhook arrival) >= 0.8x raw Baileys' receive rate.
 *
 * The sandbox runs in its own process and sends one message after another (one chatty contact); its send time
 * is printed too, so a run where the sender, not the receiver, set the pace can be recognised.
 *
 * Run: npm run bench:webhooks:full (builds first). Env: FULL_N=2000, GW_CPU_PROF=dir (CPU-profile the gateway).
 */
import * as path from 'node:path';
import {
  linkGatewaySession,
  machineNote,
  ROOT,
  rpc,
  startGateway,
  startSandbox,
  startTsWorker,
  stopChild,
} from './lib/processes';
import { WebhookReceiver } from './lib/webhook-receiver';
import { fmt, table, verdict } from './lib/stats';

const N = Number(process.env.FULL_N ?? 2000);
const WARM = 50;

async function main(): Promise<void> {
  console.log(`# Webhooks benchmark, full path via the sandbox (issue 6)\n\nMachine: ${machineNote()}\n`);
  const sandbox = await startSandbox({ receipts: false });
  const contactSend = async (from: string, to: string, n: number, prefix: string) => {
    const res = await fetch(`${sandbox.control}/contact-send-many`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from, to, n, prefix }),
    });
    if (!res.ok) throw new Error(`contact-send: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { ms: number }).ms;
  };
  const receiver = new WebhookReceiver();
  const hook = await receiver.listen();
  try {
    // Raw Baileys: link, warm up, then time N decrypted messages.
    const raw = startTsWorker(path.join(ROOT, 'bench', 'lib', 'raw-baileys-worker.ts'));
    await rpc(raw, 'init', { wsUrl: sandbox.wsUrl, control: sandbox.control, tlsCa: sandbox.tlsCa });
    await rpc(raw, 'link', { n: 1 });
    const rawPhone = await rpc<string>(raw, 'phone');
    const rawRun = async (prefix: string, n: number) => {
      const arrived = rpc<{ firstAt: number; lastAt: number }>(raw, 'expect', { prefix, n });
      await rpc(raw, 'phone'); // IPC is ordered: once this answers, the listener above is in place
      const sendMs = await contactSend('6281200000001', rawPhone, n, prefix);
      const r = await arrived;
      return { rate: n / ((r.lastAt - r.firstAt) / 1000 || 1), sendMs, spanMs: r.lastAt - r.firstAt };
    };
    await rawRun('rawwarm', WARM);
    const rawResult = await rawRun('raw', N);
    await rpc(raw, 'end');
    await stopChild(raw);

    // The gateway: linked, one endpoint for message.received, warm-up, then N messages to the receiver.
    const gw = await startGateway({
      env: { WA_WEBSOCKET_URL: sandbox.wsUrl, WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' },
      nodeFlags: process.env.GW_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.GW_CPU_PROF}`] : [],
    });
    const gwPhone = await linkGatewaySession(gw, sandbox, 'default');
    const created = await gw.post('/api/webhook-endpoints', { url: hook, events: ['message.received'] });
    if (created.status !== 201)
      throw new Error(`endpoint: ${created.status} ${JSON.stringify(created.body)}`);
    const gwRun = async (prefix: string, n: number) => {
      const sent = contactSend('6281200000002', gwPhone, n, prefix);
      const times = await receiver.waitFor(prefix, n);
      const sendMs = await sent;
      const span = times[times.length - 1] - times[0];
      return { rate: n / (span / 1000 || 1), sendMs, spanMs: span };
    };
    await gwRun('gwwarm', WARM);
    const gwResult = await gwRun('gw', N);
    await gw.stop();

    const ratio = gwResult.rate / rawResult.rate;
    table(
      ['receiver', 'messages', 'first -> last ms', 'msgs/s', 'ratio vs raw', 'sandbox sending took ms'],
      [
        [
          'raw Baileys (decrypted, baseline)',
          N,
          fmt(rawResult.spanMs, 0),
          fmt(rawResult.rate, 0),
          '1.00x',
          fmt(rawResult.sendMs, 0),
        ],
        [
          'gateway (stored + webhook received)',
          N,
          fmt(gwResult.spanMs, 0),
          fmt(gwResult.rate, 0),
          fmt(ratio, 2) + 'x',
          fmt(gwResult.sendMs, 0),
        ],
      ],
    );
    table(
      ['target', 'measured', 'verdict'],
      [['full path >= 0.8x raw Baileys receive rate', fmt(ratio, 2) + 'x', verdict(ratio >= 0.8)]],
    );
    console.log(`Done. Machine at the end: ${machineNote()}`);
  } finally {
    receiver.close();
    await sandbox.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
