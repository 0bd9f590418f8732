/**
 * The baseline: raw Baileys sockets with in-memory auth (test/support/BaileysTestClient), in their own process,
 * against the external sandbox. Driven over IPC by the benchmarks (see rpc() in processes.ts):
 *   init {wsUrl, control, tlsCa} | link {n} | phone | mem | send {contact, n} | expect {prefix, n} | reconnect | end
 */
import { Agent as HttpsAgent } from 'node:https';
import { Agent as UndiciAgent } from 'undici';
import type { WhatsAppSandbox } from '../../src/sandbox/whatsapp-sandbox';
import { BaileysTestClient } from '../../test/support/baileys-test-client';

// libsignal prints whole session objects (keys included) with console.*; drop those lines.
for (const method of ['info', 'log', 'warn'] as const) {
  const original = console[method].bind(console);
  console[method] = (...args: unknown[]) => {
    if (
      typeof args[0] === 'string' &&
      /^(Closing|Opening|Removing old closed|Migrating) session/.test(args[0])
    )
      return;
    original(...args);
  };
}
const clients: BaileysTestClient[] = [];
const phones: string[] = [];
let sandbox: WhatsAppSandbox;

async function link(n: number): Promise<number> {
  // Socket options as the gateway sets them where they change the work per message: with Baileys' default
  // emitOwnEvents, every message sent is also emitted as messages.upsert through Baileys' event buffer, whose
  // emit walks the buffered upserts each time (most of a raw send's extra cost; the gateway turns it off).
  const todo = Array.from({ length: n }, () => new BaileysTestClient(sandbox, { emitOwnEvents: false }));
  let next = 0;
  await Promise.all(
    Array.from({ length: 5 }, async () => {
      while (next < todo.length) {
        const c = todo[next++];
        phones.push((await c.link({ timeoutMs: 30_000 })).phone);
        // The test client logs every event for tests to wait on; a gateway would not keep them.
        c.log.length = 0;
        clients.push(c);
      }
    }),
  );
  return clients.length;
}

/**
 * Resolves when the first client has received `n` texts starting with `prefix` (decrypted, as `messages.upsert`
 * delivers them): the raw receive rate, the baseline of the full webhook path. Call before the contact sends.
 */
function expect(prefix: string, n: number): Promise<{ count: number; firstAt: number; lastAt: number }> {
  const sock = clients[0].sock!;
  let firstAt = 0;
  let count = 0;
  return new Promise((resolve) => {
    const onUpsert = ({
      messages,
    }: {
      messages: { message?: { conversation?: string | null } | null }[];
    }) => {
      for (const m of messages) {
        if (!m.message?.conversation?.startsWith(prefix)) continue;
        count++;
        if (count === 1) firstAt = Date.now();
        if (count === n) {
          sock.ev.off('messages.upsert', onUpsert);
          resolve({ count, firstAt, lastAt: Date.now() });
        }
      }
    };
    sock.ev.on('messages.upsert', onUpsert);
  });
}

async function send(contact: string, n: number): Promise<{ ms: number }> {
  const sock = clients[0].sock!;
  const jid = `${contact}@s.whatsapp.net`;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await sock.sendMessage(jid, { text: `raw ${i} ${'x'.repeat(40)}` });
  return { ms: performance.now() - t0 };
}

const handlers: Record<string, (m: any) => Promise<unknown>> = {
  init: async ({ wsUrl, control, tlsCa }) => {
    sandbox = {
      wsUrl,
      httpsAgent: new HttpsAgent({ ca: tlsCa }),
      mediaDispatcher: new UndiciAgent({ connect: { ca: tlsCa } }),
      scanQr: async (qr: string) => {
        const res = await fetch(`${control}/scan`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ qr }),
        });
        if (!res.ok) throw new Error(`scan failed: ${res.status} ${await res.text()}`);
        return res.json();
      },
    } as unknown as WhatsAppSandbox;
    return true;
  },
  link: ({ n }) => link(n),
  mem: async () => {
    global.gc?.();
    global.gc?.();
    await new Promise((r) => setTimeout(r, 200));
    return process.memoryUsage();
  },
  send: ({ contact, n }) => send(contact, n),
  phone: async () => phones[0],
  // Ends the first client's socket and opens a new one from its saved auth state, as a gateway reconnects.
  reconnect: async () => {
    const c = clients[0];
    await c.end();
    c.connect();
    await c.waitForOpen(30_000);
    c.log.length = 0;
    return true;
  },
  expect: ({ prefix, n }) => expect(prefix, n),
  end: async () => {
    await Promise.all(clients.map((c) => c.end()));
    return true;
  },
};

process.on('message', (m: any) => {
  const h = handlers[m?.cmd];
  if (!h) return;
  h(m).then(
    (result) => process.send!({ id: m.id, result }),
    (err: Error) => process.send!({ id: m.id, error: err.stack ?? err.message }),
  );
});
process.on('disconnect', () => process.exit(0));
// A normal exit on SIGTERM, so `node --cpu-prof` writes its profile (see GW_CPU_PROF in messaging.bench.ts).
process.on('SIGTERM', () => process.exit(0));
