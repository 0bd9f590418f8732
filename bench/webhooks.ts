/**
 * Webhooks benchmark: an incoming message (POST /api/whatsapp/receive, the pipeline only: stored, outbox row,
 * signed POST) -> the webhook received by a loopback receiver. Compared, in the same run, with a bare
 * non-durable Node forwarder (receive -> forward, nothing stored).
 *
 *   node -r ./scripts/swc-register.js bench/webhooks.ts
 *
 * Measures (1) sustained throughput: BENCH_MESSAGES messages sent with BENCH_CONCURRENCY in flight, until all
 * arrived at the receiver; (2) latency at a fixed BENCH_RATE msg/s for BENCH_SECONDS: time from sending the
 * message to the webhook arriving, p50/p99. GW_CPU_PROF=dir writes a CPU profile of each gateway child there.
 */
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 3000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const RATE = Number(process.env.BENCH_RATE ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const API_KEY = 'bench-api-key-0123456789abcdef';
const ROOT = path.join(__dirname, '..');

/** The loopback receiver: notes when each message's webhook arrives (keyed by its text). */
class Receiver {
  readonly arrivals = new Map<string, number>();
  private waiters: Array<() => void> = [];
  readonly server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = performance.now();
      try {
        const text = JSON.parse(Buffer.concat(chunks).toString('utf8'))?.data?.text;
        if (typeof text === 'string' && !this.arrivals.has(text)) this.arrivals.set(text, at);
      } catch {
        // not ours
      }
      res.writeHead(200).end('ok');
      for (const w of this.waiters.splice(0)) w();
    });
  });

  async listen(): Promise<string> {
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  async waitFor(texts: string[], timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!texts.every((t) => this.arrivals.has(t))) {
      if (Date.now() > deadline)
        throw new Error(`only ${texts.filter((t) => this.arrivals.has(t)).length} arrived`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  }
}

async function spawnChild(role: 'gateway' | 'forwarder', env: Record<string, string>) {
  const child = spawn(
    process.execPath,
    [
      // GW_CPU_PROF=dir: CPU-profile the gateway children (summarise with bench/lib/cpuprofile-summary.ts).
      ...(role === 'gateway' && process.env.GW_CPU_PROF
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.GW_CPU_PROF}`]
        : []),
      '-r',
      path.join(ROOT, 'scripts/swc-register.js'),
      path.join(__dirname, 'webhooks-child.ts'),
      role,
    ],
    { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const port = await new Promise<number>((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).on('line', (l) => {
      if (l.startsWith('ready ')) resolve(Number(l.split(' ')[1]));
    });
    child.once('exit', (code) => reject(new Error(`${role} exited with ${code}`)));
  });
  return { child, port };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

function post(port: number, pathName: string, body: object): Promise<number> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: pathName,
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
          'x-api-key': API_KEY,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

interface Result {
  /** Time for POST /api/whatsapp/receive to answer (stored + outbox row committed). */
  acceptP50: number;
  acceptP99: number;
  throughput: number;
  p50: number;
  p99: number;
  max: number;
  achievedRate: number;
}

async function measure(name: string, port: number, receiver: Receiver): Promise<Result> {
  const answered = new Map<string, number>();
  const send = async (text: string) => {
    const status = await post(port, '/api/whatsapp/receive', { from: '6281234567890', message: text });
    answered.set(text, performance.now());
    if (status !== 200) throw new Error(`${name}: receive answered ${status}`);
  };
  // Warm-up (JIT, SQLite page cache, keep-alive sockets).
  const warm = Array.from({ length: 300 }, (_, i) => `${name}-warm-${i}`);
  for (let i = 0; i < warm.length; i += 20) await Promise.all(warm.slice(i, i + 20).map(send));
  await receiver.waitFor(warm);

  // (1) Sustained throughput.
  const texts = Array.from({ length: MESSAGES }, (_, i) => `${name}-tp-${i}`);
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < texts.length) await send(texts[next++]);
    }),
  );
  await receiver.waitFor(texts);
  const lastArrival = Math.max(...texts.map((t) => receiver.arrivals.get(t)!));
  const throughput = MESSAGES / ((lastArrival - started) / 1000);

  // (2) Latency at a fixed rate (open loop: one message every 1000/RATE ms, whatever the answers do).
  const total = RATE * SECONDS;
  const sentAt = new Map<string, number>();
  const pending: Promise<void>[] = [];
  const begin = performance.now();
  for (let i = 0; i < total; i++) {
    const due = begin + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const text = `${name}-lat-${i}`;
    sentAt.set(text, performance.now());
    pending.push(send(text));
  }
  const achievedRate = total / ((performance.now() - begin) / 1000);
  await Promise.all(pending);
  await receiver.waitFor([...sentAt.keys()]);
  const latencies = [...sentAt].map(([t, at]) => receiver.arrivals.get(t)! - at).sort((a, b) => a - b);
  const accept = [...sentAt].map(([t, at]) => answered.get(t)! - at).sort((a, b) => a - b);
  return {
    acceptP50: percentile(accept, 50),
    acceptP99: percentile(accept, 99),
    throughput,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies[latencies.length - 1],
    achievedRate,
  };
}

/** The same pipeline with no webhook endpoint: how fast POST /api/whatsapp/receive alone answers. */
async function measureReceiveOnly(port: number): Promise<number> {
  const send = async (text: string) => {
    const status = await post(port, '/api/whatsapp/receive', { from: '6281234567890', message: text });
    if (status !== 200) throw new Error(`receive answered ${status}`);
  };
  for (let i = 0; i < 300; i += 20)
    await Promise.all(Array.from({ length: 20 }, (_, j) => send(`ro-warm-${i + j}`)));
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < MESSAGES) await send(`ro-${next++}`);
    }),
  );
  return MESSAGES / ((performance.now() - started) / 1000);
}

async function main(): Promise<void> {
  const receiver = new Receiver();
  const hook = await receiver.listen();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gw-bench-'));
  const children: ChildProcess[] = [];
  try {
    const fwd = await spawnChild('forwarder', { BENCH_TARGET: hook });
    children.push(fwd.child);
    const bare = await measure('forwarder', fwd.port, receiver);
    fwd.child.kill();

    const gw = await spawnChild('gateway', { BENCH_DIR: dir, API_KEY });
    children.push(gw.child);
    const status = await post(gw.port, '/api/webhook-endpoints', { url: hook, events: ['message.received'] });
    if (status !== 201) throw new Error(`creating the endpoint answered ${status}`);
    const durable = await measure('gateway', gw.port, receiver);
    gw.child.kill();

    const plainDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gw-bench-'));
    const plain = await spawnChild('gateway', { BENCH_DIR: plainDir, API_KEY });
    children.push(plain.child);
    const receiveOnly = await measureReceiveOnly(plain.port);
    plain.child.kill();
    fs.rmSync(plainDir, { recursive: true, force: true });

    const f = (n: number) => n.toFixed(1);
    console.log(`\nWebhooks benchmark (${os.cpus().length} CPUs, Node ${process.version})`);
    console.log(
      `throughput: ${MESSAGES} messages, ${CONCURRENCY} in flight; latency: ${RATE} msg/s for ${SECONDS} s\n`,
    );
    console.log(
      '| | msgs/s (sustained) | webhook p50 ms | webhook p99 ms | max ms | /receive answered p50 / p99 ms | rate |',
    );
    console.log('|---|---|---|---|---|---|---|');
    for (const [name, r] of [
      ['bare forwarder (no storage)', bare],
      ['gateway (durable outbox)', durable],
    ] as const) {
      console.log(
        `| ${name} | ${f(r.throughput)} | ${f(r.p50)} | ${f(r.p99)} | ${f(r.max)} | ` +
          `${f(r.acceptP50)} / ${f(r.acceptP99)} | ${f(r.achievedRate)} |`,
      );
    }
    console.log(
      `\nratio gateway / forwarder throughput: ${(durable.throughput / bare.throughput).toFixed(2)}x`,
    );
    console.log(
      `gateway without any webhook endpoint (POST /api/whatsapp/receive answered, nothing delivered): ` +
        `${f(receiveOnly)} msgs/s`,
    );
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill();
    receiver.server.close();
    agent.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
