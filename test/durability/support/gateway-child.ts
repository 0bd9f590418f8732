import Database from 'better-sqlite3';
import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import * as readline from 'node:readline';
import request from 'supertest';
import type { SandboxProcess } from '../../support/sandbox-process';
import { TEST_API_KEY } from '../../support/test-app';
import { waitUntil } from '../../support/wait';

const ROOT = path.join(__dirname, '..', '..', '..');

/** The gateway as a child process on a data dir, so a test can `kill -9` it and start it again on the same dir. */
export interface GatewayChild {
  child: ChildProcess;
  url: string;
  get(p: string): request.Test;
  post(p: string, body?: object): request.Test;
  /** SIGKILL: no shutdown hook runs, nothing is flushed. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

export function gatewayEnv(dir: string, sandbox: SandboxProcess, extra: Record<string, string> = {}) {
  return {
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dir,
    DATABASE_PATH: path.join(dir, 'app.db'),
    API_KEY: TEST_API_KEY,
    LOG_LEVEL: 'error',
    WA_WEBSOCKET_URL: sandbox.wsUrl,
    WA_RECONNECT_BASE_MS: '100',
    WA_RECONNECT_MAX_MS: '1000',
    THROTTLE_LIMIT: '100000',
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
    WEBHOOK_RETRY_SCHEDULE: '0,0.1,0.2,0.5,1,1,1,1',
    ...extra,
  };
}

/** Boots test/webhooks/support/child-app.ts (the real app, from the environment) and waits for its port. */
export async function startGatewayChild(env: Record<string, string>): Promise<GatewayChild> {
  const child = spawn(
    process.execPath,
    [
      '-r',
      path.join(ROOT, 'scripts', 'swc-register.js'),
      path.join(ROOT, 'test', 'webhooks', 'support', 'child-app.ts'),
    ],
    { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const lines: string[] = [];
  readline.createInterface({ input: child.stdout! }).on('line', (l) => lines.push(l));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = await waitUntil(() => lines.find((l) => l.startsWith('ready ')), {
    timeoutMs: 60_000,
    what: 'the gateway child to boot',
  });
  const url = `http://127.0.0.1:${ready.split(' ')[1]}`;
  const signal = async (sig: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    await exited;
  };
  return {
    child,
    url,
    get: (p) => request(url).get(p).set('X-API-Key', TEST_API_KEY),
    post: (p, body = {}) => request(url).post(p).set('X-API-Key', TEST_API_KEY).send(body),
    kill: () => signal('SIGKILL'),
    stop: () => signal('SIGTERM'),
  };
}

/** Links the gateway's `default` session by scanning its QR in the sandbox; returns the account's phone. */
export async function linkDefault(gw: GatewayChild, sandbox: SandboxProcess): Promise<string> {
  const qr = await waitUntil(
    async () => {
      const res = await gw.get('/api/sessions/default/qr');
      return res.status === 200 ? (res.body.qr as string) : null;
    },
    { timeoutMs: 30_000, intervalMs: 200, what: 'a QR from the gateway' },
  );
  const { phone } = await sandbox.scanQr(qr);
  await waitConnected(gw);
  return phone;
}

export async function waitConnected(gw: GatewayChild): Promise<void> {
  await waitUntil(async () => (await gw.get('/api/sessions/default')).body.status === 'connected', {
    timeoutMs: 60_000,
    intervalMs: 100,
    what: 'the session to connect',
  });
}

/** Reads the gateway's SQLite file through a connection of its own (as another process would). */
export function query<T>(dir: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(path.join(dir, 'app.db'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}
