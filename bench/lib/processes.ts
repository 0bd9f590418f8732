import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';

export const ROOT = path.resolve(__dirname, '..', '..');
export const BENCH_API_KEY = 'bench-api-key-0123456789abcdef';
// plain-stacks.js: see there (ts-node's source-map support would slow the baseline, not the compiled gateway).
const TS_NODE = ['-r', 'ts-node/register', '-r', path.join(__dirname, 'plain-stacks.js')];
const TS_ENV = { TS_NODE_TRANSPILE_ONLY: 'true' };

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/**
 * CPU time a process has used so far, all its threads, in ms (Linux: /proc/<pid>/stat, clock ticks of 10 ms);
 * null where /proc is not there.
 */
export function processCpuMs(pid: number | undefined): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

/** Memory figures reported by a child (after two forced GCs), in bytes. */
export interface MemSample {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
}

/** Asks a child started with the memory probe (IPC) for its memory after forced GCs. */
export function childMemory(child: ChildProcess, timeoutMs = 10_000): Promise<MemSample> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('memory probe timed out')), timeoutMs);
    const onMessage = (m: any) => {
      if (m?.type !== 'mem') return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(m.mem as MemSample);
    };
    child.on('message', onMessage);
    child.send({ type: 'mem' });
  });
}

export function stopChild(child: ChildProcess, timeoutMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export interface SandboxProcess {
  child: ChildProcess;
  wsUrl: string;
  control: string;
  tlsCa: string;
  scan(qr: string): Promise<{ phone: string; lid: string; deviceJid: string }>;
  wait(
    contact: string,
    count: number,
    timeoutMs?: number,
  ): Promise<{ count: number; firstAt: number; lastAt: number }>;
  received(contact: string): Promise<{ count: number; firstAt: number | null; lastAt: number | null }>;
  stop(): Promise<void>;
}

/** Starts the standalone sandbox (src/sandbox/standalone/main.ts) as a child process. */
export async function startSandbox(opts: { receipts?: boolean } = {}): Promise<SandboxProcess> {
  const main = path.join(ROOT, 'src', 'sandbox', 'standalone', 'main.ts');
  const receipts = opts.receipts === false ? 'off' : '300,800';
  const child = spawn(process.execPath, [...TS_NODE, main, '--receipts', receipts], {
    cwd: ROOT,
    env: { ...process.env, ...TS_ENV },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    const rl = readline.createInterface({ input: child.stdout! });
    rl.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`sandbox exited with ${code}`)));
  });
  child.stdout!.resume();
  const info = JSON.parse(line) as { wsUrl: string; control: string; tlsCa: string };
  const post = async (p: string, body: object) => {
    const res = await fetch(info.control + p, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = await res.json();
    if (!res.ok) throw new Error(`sandbox ${p}: ${JSON.stringify(json)}`);
    return json;
  };
  return {
    child,
    ...info,
    scan: (qr) => post('/scan', { qr }) as Promise<any>,
    wait: (contact, count, timeoutMs = 120_000) =>
      post('/wait', { contact, count, timeoutMs }) as Promise<any>,
    received: async (contact) =>
      (await fetch(`${info.control}/received?contact=${contact}`)).json() as Promise<any>,
    stop: () => stopChild(child),
  };
}

export interface GatewayProcess {
  child: ChildProcess;
  url: string;
  dir: string;
  spawnedAt: number;
  get(p: string): Promise<{ status: number; body: any }>;
  post(p: string, body?: object): Promise<{ status: number; body: any }>;
  memory(): Promise<MemSample>;
  stop(): Promise<void>;
}

export interface GatewayOptions {
  dir?: string;
  env?: Record<string, string>;
  /** Start with --expose-gc and the IPC memory probe. */
  probe?: boolean;
  /** Extra node flags (e.g. --cpu-prof). */
  nodeFlags?: string[];
  /** Wait for /health 200 before returning (default true). */
  waitHealthy?: boolean;
  /** Checkout whose `dist/main.js` runs (default this one), e.g. a build of an earlier commit to compare with. */
  root?: string;
}

/** Starts the compiled gateway (`dist/main.js`, run `npm run build` first) as a child process. */
export async function startGateway(opts: GatewayOptions = {}): Promise<GatewayProcess> {
  const main = path.join(opts.root ?? ROOT, 'dist', 'main.js');
  if (!fs.existsSync(main)) throw new Error('dist/main.js is missing: run `npm run build` first');
  const dir = opts.dir ?? tempDir('gw-bench-');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const flags = [...(opts.nodeFlags ?? [])];
  if (opts.probe) flags.push('--expose-gc', '-r', path.join(ROOT, 'bench', 'lib', 'mem-probe.js'));
  const log = fs.openSync(path.join(dir, 'gateway.log'), 'a');
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, [...flags, main], {
    cwd: dir,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dir,
      DATABASE_PATH: path.join(dir, 'app.db'),
      API_KEY: BENCH_API_KEY,
      LOG_LEVEL: 'warn',
      // A one-second window: the throttler's in-memory store filters every hit of the window on each request,
      // so a 60 s window with a huge limit would make it, not the gateway, the bottleneck (see BENCHMARKS.md).
      THROTTLE_TTL_MS: '1000',
      THROTTLE_LIMIT: '1000000',
      ...opts.env,
    },
    stdio: ['ignore', log, log, 'ipc'],
  });
  fs.closeSync(log);
  const headers = { 'X-API-Key': BENCH_API_KEY, 'content-type': 'application/json' };
  const call = async (method: string, p: string, body?: object) => {
    const res = await fetch(url + p, { method, headers, body: body ? JSON.stringify(body) : undefined });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  const gw: GatewayProcess = {
    child,
    url,
    dir,
    spawnedAt,
    get: (p) => call('GET', p),
    post: (p, body) => call('POST', p, body ?? {}),
    memory: () => childMemory(child),
    stop: () => stopChild(child),
  };
  if (opts.waitHealthy !== false) await waitForHealth(gw);
  return gw;
}

/** Polls /health until 200; returns ms since spawn. */
export async function waitForHealth(
  gw: GatewayProcess,
  timeoutMs = 60_000,
  intervalMs = 10,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (gw.child.exitCode !== null) throw new Error(`gateway exited (${gw.child.exitCode}); see ${gw.dir}`);
    try {
      const res = await fetch(`${gw.url}/health`);
      await res.arrayBuffer();
      if (res.status === 200) return performance.now() - gw.spawnedAt;
    } catch {
      // not listening yet
    }
    await sleep(intervalMs);
  }
  throw new Error(`gateway not healthy after ${timeoutMs} ms; see ${gw.dir}/gateway.log`);
}

/** Polls until `fn` returns a truthy value. */
export async function waitUntil<T>(
  fn: () => Promise<T | null | undefined | false>,
  what: string,
  timeoutMs = 30_000,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = await fn();
    if (v) return v;
    await sleep(intervalMs);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Creates (unless `default`) and links a gateway session through the external sandbox. */
export async function linkGatewaySession(
  gw: GatewayProcess,
  sb: SandboxProcess,
  id: string,
): Promise<string> {
  if (id !== 'default') {
    const created = await gw.post('/api/sessions', { id });
    if (created.status !== 201)
      throw new Error(`create ${id}: ${created.status} ${JSON.stringify(created.body)}`);
  }
  const qr = await waitUntil(
    async () => {
      const res = await gw.get(`/api/sessions/${id}/qr`);
      return res.status === 200 ? (res.body.qr as string) : null;
    },
    `a QR for ${id}`,
    30_000,
    200,
  );
  const { phone } = await sb.scan(qr);
  await waitUntil(
    async () => (await gw.get(`/api/sessions/${id}`)).body?.status === 'connected',
    `${id} to connect`,
    30_000,
    100,
  );
  return phone;
}

export async function connectedCount(gw: GatewayProcess): Promise<number> {
  const res = await gw.get('/api/sessions');
  return res.status === 200
    ? (res.body as { status: string }[]).filter((s) => s.status === 'connected').length
    : 0;
}

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function pool<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]);
      }
    }),
  );
  return out;
}

/** Starts a TypeScript worker (bench/lib/*.ts) with IPC. */
export function startTsWorker(file: string, env: Record<string, string> = {}, nodeFlags: string[] = []) {
  return spawn(process.execPath, [...nodeFlags, ...TS_NODE, file], {
    cwd: ROOT,
    env: { ...process.env, ...TS_ENV, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

/** Sends a request to an IPC worker and waits for its `{id, result|error}` answer. */
let rpcId = 0;
export function rpc<T = any>(
  child: ChildProcess,
  cmd: string,
  args: object = {},
  timeoutMs = 300_000,
): Promise<T> {
  const id = ++rpcId;
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`worker exited (${code}) during ${cmd}`));
    };
    const timer = setTimeout(() => reject(new Error(`worker ${cmd} timed out`)), timeoutMs);
    child.once('exit', onExit);
    const onMessage = (m: any) => {
      if (m?.id !== id) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      child.off('message', onMessage);
      if (m.error) reject(new Error(m.error));
      else resolve(m.result as T);
    };
    child.on('message', onMessage);
    child.send({ id, cmd, ...args });
  });
}

export function machineNote(): string {
  const [l1, l5] = os.loadavg();
  return `${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), Node ${process.version}, load avg ${l1.toFixed(2)} / ${l5.toFixed(2)} (1/5 min), ${new Date().toISOString()}`;
}
