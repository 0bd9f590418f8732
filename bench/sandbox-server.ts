/**
 * The WhatsApp sandbox in its own process, so benchmarks do not count its CPU or memory against the gateway.
 * Prints one JSON line `{"wsUrl","control","tlsCa"}` on stdout, then serves a tiny control API on 127.0.0.1:
 *   POST /scan      {qr, phone?}                  -> scanQr result
 *   POST /wait      {contact, count, timeoutMs?}  -> {count, firstAt, lastAt} once the contact has `count` messages
 *   GET  /received?contact=...                    -> {count, firstAt, lastAt}
 *   GET  /accounts                                -> {accounts, connected}
 *   POST /contact-send {from, to, n, prefix}      -> {ms} once `n` texts from contact `from` to account `to` are
 *                                                    out (sent one after another, as one chatty contact would)
 * Env: SANDBOX_RECEIPTS=off turns simulated receipts off (default on, 300/800 ms).
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WhatsAppSandbox } from '../src/sandbox/whatsapp-sandbox';

function summary(sandbox: WhatsAppSandbox, contact: string) {
  const msgs = sandbox.received(contact);
  return { count: msgs.length, firstAt: msgs[0]?.at ?? null, lastAt: msgs[msgs.length - 1]?.at ?? null };
}

function readBody(req: http.IncomingMessage): Promise<any> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        resolve(chunks.length ? JSON.parse(Buffer.concat(chunks).toString()) : {});
      } catch (err) {
        reject(err as Error);
      }
    });
    req.on('error', reject);
  });
}

async function main(): Promise<void> {
  const sandbox = await WhatsAppSandbox.start({
    host: '127.0.0.1',
    port: 0,
    receipts: process.env.SANDBOX_RECEIPTS === 'off' ? false : { deliveredAfterMs: 300, readAfterMs: 800 },
  });
  sandbox.events.setMaxListeners(0);

  const server = http.createServer((req, res) => {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const url = new URL(req.url ?? '/', 'http://x');
    void (async () => {
      if (req.method === 'POST' && url.pathname === '/scan') {
        const { qr, phone } = await readBody(req);
        return reply(200, await sandbox.scanQr(qr, phone ? { phone } : undefined));
      }
      if (req.method === 'POST' && url.pathname === '/wait') {
        const { contact, count, timeoutMs = 120_000 } = await readBody(req);
        const deadline = Date.now() + timeoutMs;
        while (sandbox.received(contact).length < count && Date.now() < deadline) {
          await new Promise<void>((resolve) => {
            const t = setTimeout(done, 200);
            function done() {
              clearTimeout(t);
              sandbox.events.off('message', done);
              resolve();
            }
            sandbox.events.on('message', done);
          });
        }
        return reply(200, summary(sandbox, contact));
      }
      if (req.method === 'GET' && url.pathname === '/received') {
        return reply(200, summary(sandbox, url.searchParams.get('contact') ?? ''));
      }
      if (req.method === 'POST' && url.pathname === '/contact-send') {
        const { from, to, n, prefix } = await readBody(req);
        const t0 = performance.now();
        for (let i = 0; i < n; i++) await sandbox.contactSend(from, to, { text: `${prefix} ${i}` });
        return reply(200, { ms: performance.now() - t0 });
      }
      if (req.method === 'GET' && url.pathname === '/accounts') {
        const accounts = sandbox.accounts();
        const connected = accounts.filter((a) => a.devices.some((d) => d.connected)).length;
        return reply(200, { accounts: accounts.length, connected });
      }
      reply(404, { error: 'not found' });
    })().catch((err: Error) => reply(500, { error: err.message }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  process.stdout.write(
    JSON.stringify({ wsUrl: sandbox.wsUrl, control: `http://127.0.0.1:${port}`, tlsCa: sandbox.tlsCa }) +
      '\n',
  );
  const stop = () => {
    server.close();
    void sandbox.stop().finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
