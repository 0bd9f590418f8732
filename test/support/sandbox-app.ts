import type request from 'supertest';
import { SandboxHost } from '../../src/sandbox/control/sandbox-host';
import type { WhatsAppSandbox } from '../../src/sandbox/whatsapp-sandbox';
import { startTestApp, tempDir, TestApp } from './test-app';
import { waitUntil } from './wait';

export interface SandboxApp extends TestApp {
  sandbox: WhatsAppSandbox;
  /** The simulated phone number linked to `default` (empty when started with link: false). */
  account: string;
  /** GET with the API key. */
  get: (path: string) => request.Test;
  /** POST with the API key. */
  post: (path: string, body?: object) => request.Test;
  /** Links a session through the public sandbox route and waits until it is connected; returns its phone. */
  link: (session?: string) => Promise<string>;
  waitForStatus: (session: string, status: string, timeoutMs?: number) => Promise<any>;
}

/**
 * Settings that keep end-to-end tests quick: short receipts and reconnect delays. Media by URL may come from
 * servers on this machine (tests serve it locally); pass `MEDIA_ALLOWED_CIDRS: undefined,
 * WEBHOOK_ALLOWED_CIDRS: ''` for the default policy (sandbox mode's webhook list allows loopback).
 */
export const FAST_SANDBOX_ENV: Record<string, string> = {
  SANDBOX: 'true',
  MEDIA_ALLOWED_CIDRS: '127.0.0.1/32,::1/128',
  SANDBOX_DELIVERED_AFTER_MS: '50',
  SANDBOX_READ_AFTER_MS: '150',
  WA_RECONNECT_BASE_MS: '100',
  WA_RECONNECT_MAX_MS: '2000',
  THROTTLE_LIMIT: '100000',
};

/**
 * Boots the real application with the in-process sandbox (SANDBOX=true) on a real SQLite file, and by default
 * links the `default` session by scanning its QR through POST /api/sandbox/sessions/default/scan.
 * Pass the same `dir` to restart on the same database and sandbox state.
 */
export async function startSandboxApp(
  env: Record<string, string | undefined> = {},
  { link = true, dir = tempDir('gw-sbx-') }: { link?: boolean; dir?: string } = {},
): Promise<SandboxApp> {
  const merged = Object.entries({ ...FAST_SANDBOX_ENV, ...env });
  const t = await startTestApp(
    Object.fromEntries(merged.filter((e): e is [string, string] => e[1] !== undefined)),
    dir,
  );
  const sandbox = t.app.get(SandboxHost).sandbox;
  if (!sandbox) throw new Error('sandbox did not start');
  const get = (path: string) => t.http().get(path).set('X-API-Key', t.apiKey);
  const post = (path: string, body: object = {}) => t.http().post(path).set('X-API-Key', t.apiKey).send(body);
  const waitForStatus = (session: string, status: string, timeoutMs = 20_000) =>
    waitUntil(
      async () => {
        const res = await get(`/api/sessions/${session}`);
        return res.status === 200 && res.body.status === status ? res.body : null;
      },
      { timeoutMs, what: `session ${session} to be ${status}` },
    );
  const linkSession = async (session = 'default') => {
    const scan = await waitUntil(
      async () => {
        const res = await post(`/api/sandbox/sessions/${session}/scan`);
        return res.status === 200 ? res.body : null;
      },
      { timeoutMs: 20_000, intervalMs: 200, what: `a QR to scan for ${session}` },
    );
    await waitForStatus(session, 'connected');
    return scan.phone as string;
  };
  const app: SandboxApp = { ...t, sandbox, account: '', get, post, link: linkSession, waitForStatus };
  if (link) {
    const res = await get('/api/sessions/default');
    app.account = res.body.status === 'connected' ? res.body.phone : await linkSession('default');
  }
  return app;
}
