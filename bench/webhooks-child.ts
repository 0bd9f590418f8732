/**
 * A process under test for bench/webhooks.ts, printing `ready <port>` once listening:
 * - `gateway`: the real application (SQLite file in BENCH_DIR, durable webhook outbox);
 * - `forwarder`: the baseline, a bare Node HTTP server that forwards each incoming message to the receiver as
 *   JSON, with nothing stored and no retries.
 */
import 'reflect-metadata';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { loadConfig } from '../src/config/load-config';
import { createApp } from '../src/create-app';

async function gateway(): Promise<void> {
  const dir = process.env.BENCH_DIR!;
  const config = loadConfig(
    {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dir,
      DATABASE_PATH: path.join(dir, 'app.db'),
      LOG_LEVEL: 'error',
      THROTTLE_LIMIT: '100000000',
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
      WEBHOOK_CONCURRENCY: process.env.WEBHOOK_CONCURRENCY ?? '50',
    },
    '/nonexistent/.env',
  );
  const app = await createApp(config);
  await app.listen(0, '127.0.0.1');
  // For profiling (node --cpu-prof writes the profile on a normal exit).
  if (process.env.BENCH_EXIT_AFTER_MS)
    setTimeout(() => process.exit(0), Number(process.env.BENCH_EXIT_AFTER_MS));
  // A normal exit on SIGTERM, so that --cpu-prof writes its profile.
  if (process.execArgv.includes('--cpu-prof')) process.once('SIGTERM', () => process.exit(0));
  process.stdout.write(`ready ${(app.getHttpServer().address() as AddressInfo).port}\n`);
}

async function forwarder(): Promise<void> {
  const target = new URL(process.env.BENCH_TARGET!);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 50 });
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: { from?: string; message?: string; timestamp?: number };
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        res.writeHead(400).end();
        return;
      }
      const payload = JSON.stringify({
        type: 'message.received',
        data: { text: body.message, from: body.from },
      });
      const out = http.request(target, {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      });
      out.on('response', (r) => r.resume());
      out.on('error', () => undefined);
      out.end(payload);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"status":"success","message":"Message received"}');
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  process.stdout.write(`ready ${(server.address() as AddressInfo).port}\n`);
}

(process.argv[2] === 'forwarder' ? forwarder() : gateway()).catch((err) => {
  process.stderr.write(`bench child failed: ${err?.stack ?? err}\n`);
  process.exit(1);
});
