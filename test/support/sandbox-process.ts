import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { Agent as HttpsAgent } from 'node:https';
import * as path from 'node:path';
import * as readline from 'node:readline';
import type { ConnectionsView } from '../../src/sandbox/connection-log';
import type { ContactPresence } from '../../src/sandbox/contact-activity';
import type {
  AccountInfo,
  ContactChange,
  ContactRecord,
  DeviceQueueView,
} from '../../src/sandbox/whatsapp-sandbox';
import type { RecordedMessage } from '../../src/sandbox/message-record';
import type { ReceivedView } from '../../src/sandbox/standalone/control-server';
import { Agent as UndiciAgent } from 'undici';
import { tempDir } from './test-app';

const ROOT = path.join(__dirname, '..', '..');
const MAIN = path.join(ROOT, 'src', 'sandbox', 'standalone', 'main.ts');

export interface SandboxProcessOptions {
  /** Persist the sandbox's state there (its directory is created if missing). Omit for in-memory state. */
  stateFile?: string;
  /** Contacts' automatic receipts: false = none (use sendReceipt), or the delays. Default 50/150 ms. */
  receipts?: false | { deliveredAfterMs: number; readAfterMs: number };
  /** Fixed ports, e.g. to restart on the same URL after kill(); default free ones. */
  port?: number;
  controlPort?: number;
  /** The child's log level on its stderr (collected in `stderr`); default warn. */
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** Close a logged-in connection silent for this long (`--idle-timeout-ms`); default 0: never. */
  idleTimeoutMs?: number;
  /** How long to wait for the child to be ready (default 60 s: SWC compiles the sources first). */
  readyTimeoutMs?: number;
}

export interface SandboxProcess {
  /** The client's `waWebSocketUrl`; give it to the gateway as `WA_WEBSOCKET_URL`. */
  wsUrl: string;
  /** PEM of the sandbox's media CA (stable across restarts with the same stateFile). */
  tlsCa: string;
  /** The same PEM in a file, for `NODE_EXTRA_CA_CERTS`. */
  tlsCaFile: string;
  /** Base URL of the control API (src/sandbox/standalone/control-server.ts). */
  control: string;
  mediaHost: string;
  /** Media trust for a client in the test process (`new BaileysTestClient(sandbox)` works with this object). */
  httpsAgent: HttpsAgent;
  mediaDispatcher: UndiciAgent;
  pid: number;
  stateFile?: string;
  /** The child's stderr lines so far (its log). */
  stderr: string[];
  /** SIGTERM: the sandbox closes its connections and writes its state, then exits. */
  stop(): Promise<void>;
  /** SIGKILL: nothing is flushed, as in a crash. */
  kill(): Promise<void>;
  /** The phone scans a QR from the client's connection.update; without `phone`, a new account is made. */
  scanQr(
    qr: string,
    opts?: { phone?: string; pushName?: string },
  ): Promise<{ phone: string; lid: string; deviceJid: string }>;
  /** A contact sends a text to the account; resolves once the server holds it (sent to online devices or queued). */
  contactSend(
    from: string,
    toAccount: string,
    text: string,
    opts?: { id?: string; pushName?: string; addressing?: 'pn' | 'lid'; senderPn?: boolean },
  ): Promise<{ id: string }>;
  /** The contact edits, deletes, reacts to or votes in an earlier message (WhatsAppSandbox.contactChange). */
  contactChange(from: string, toAccount: string, change: ContactChange): Promise<{ id: string }>;
  /** `n` texts "<prefix> <i>" from one contact, one after another; resolves when all are handed to the server. */
  contactSendMany(
    from: string,
    toAccount: string,
    n: number,
    prefix: string,
  ): Promise<{ ids: string[]; ms: number }>;
  /** The account's own phone sends a text (companions get a fromMe copy). */
  phoneSend(account: string, toContact: string, text: string): Promise<{ id: string }>;
  /** What a contact received, oldest first; one record per message id (`timesReceived` counts repeats). */
  received(contact: string): Promise<RecordedMessage[]>;
  /** Resolves once the contact has at least `count` records; rejects at the deadline. */
  waitForReceived(contact: string, count: number, timeoutMs?: number): Promise<RecordedMessage[]>;
  accounts(): Promise<AccountInfo[]>;
  /** Every logged-in connection per linked device, and the overlapping logins (WhatsAppSandbox.connections). */
  connections(): Promise<ConnectionsView>;
  /** Per linked device of the account: the stanzas it has not acknowledged yet, oldest first. */
  deviceQueue(account: string): Promise<DeviceQueueView[]>;
  /** Manual receipts from a contact (with `receipts: false`). */
  sendReceipt(contact: string, ids: string[], type: 'delivered' | 'read'): Promise<void>;
  /** Drops the account's connections (TCP drop, or `<stream:error code="503">`). */
  disconnect(account: string, how?: 'drop' | 'stream-error'): Promise<void>;
  /** While on, acks and receipts from the account's devices are ignored (as if lost before reaching the server). */
  withholdAcks(account: string, withhold: boolean): Promise<void>;
  /** What the contact saw: receipts for the messages it sent, chat states sent to it, its presence. */
  contactRecord(contact: string): Promise<ContactRecord>;
  /** The contact types, records, pauses or goes on/offline; reaches the account's subscribed connections. */
  contactPresence(contact: string, account: string, state: ContactPresence): Promise<{ delivered: number }>;
  /**
   * While on, the account's message stanzas are lost unread (not recorded, not acknowledged), as frames still in
   * the gateway's buffers when it dies; answers how many were lost so far.
   */
  dropMessages(account: string, drop: boolean): Promise<number>;
}

/**
 * Starts the WhatsApp sandbox (src/sandbox/standalone/main.ts, TypeScript through scripts/swc-register.js) as a
 * child process, so a test can `kill -9` it, or the gateway, independently.
 *
 * The gateway reaches it through `WA_WEBSOCKET_URL: sandbox.wsUrl` (with `SANDBOX` off). Text, receipts and
 * linking need nothing else. Media goes over HTTPS to `mediaHost` with a self-signed CA: only a gateway process
 * started with `NODE_EXTRA_CA_CERTS=<sandbox.tlsCaFile>` trusts it (Node reads that variable once, at start,
 * for both node:https and fetch), so media tests must spawn the gateway as a child with that variable; a
 * gateway started in the Jest process (`startTestApp`) cannot download or upload sandbox media. With a
 * `stateFile` the CA stays the same across restarts of the sandbox, so the file stays valid.
 */
export async function startSandboxProcess(opts: SandboxProcessOptions = {}): Promise<SandboxProcess> {
  const receipts = opts.receipts ?? { deliveredAfterMs: 50, readAfterMs: 150 };
  const args = [
    '-r',
    path.join(ROOT, 'scripts', 'swc-register.js'),
    MAIN,
    '--receipts',
    receipts ? `${receipts.deliveredAfterMs},${receipts.readAfterMs}` : 'off',
    '--log-level',
    opts.logLevel ?? 'warn',
  ];
  if (opts.stateFile) args.push('--state-file', opts.stateFile);
  if (opts.port) args.push('--port', String(opts.port));
  if (opts.controlPort) args.push('--control-port', String(opts.controlPort));
  if (opts.idleTimeoutMs) args.push('--idle-timeout-ms', String(opts.idleTimeoutMs));
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr: string[] = [];
  readline.createInterface({ input: child.stderr! }).on('line', (l) => stderr.push(l));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const timeoutMs = opts.readyTimeoutMs ?? 60_000;
  const line = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`sandbox process not ready within ${timeoutMs} ms: ${stderr.slice(-5).join('\n')}`));
    }, timeoutMs);
    readline.createInterface({ input: child.stdout! }).once('line', (l) => {
      clearTimeout(timer);
      resolve(l);
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`sandbox process exited (${child.exitCode}): ${stderr.slice(-5).join('\n')}`));
    });
  });
  const info = JSON.parse(line) as {
    wsUrl: string;
    control: string;
    tlsCa: string;
    mediaHost: string;
    pid: number;
  };
  const tlsCaFile = path.join(tempDir('sbx-ca-'), 'sandbox-ca.pem');
  fs.writeFileSync(tlsCaFile, info.tlsCa);

  const call = async <T>(method: 'GET' | 'POST', route: string, body?: object): Promise<T> => {
    const res = await fetch(info.control + route, {
      method,
      headers: body ? { 'content-type': 'application/json' } : undefined,
      body: body ? JSON.stringify(body) : undefined,
    });
    const json = (await res.json()) as T;
    if (!res.ok) throw new Error(`sandbox ${method} ${route}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  const signal = async (sig: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    await exited;
  };
  const q = encodeURIComponent;
  return {
    ...info,
    tlsCaFile,
    httpsAgent: new HttpsAgent({ ca: info.tlsCa }),
    mediaDispatcher: new UndiciAgent({ connect: { ca: info.tlsCa } }),
    stateFile: opts.stateFile,
    stderr,
    stop: () => signal('SIGTERM'),
    kill: () => signal('SIGKILL'),
    scanQr: (qr, o = {}) => call('POST', '/scan', { qr, ...o }),
    contactSend: (from, to, text, o = {}) => call('POST', '/contact-send', { from, to, text, ...o }),
    contactChange: (from, to, change) => call('POST', '/contact-change', { from, to, ...change }),
    contactSendMany: (from, to, n, prefix) => call('POST', '/contact-send-many', { from, to, n, prefix }),
    phoneSend: (account, to, text) => call('POST', '/phone-send', { account, to, text }),
    received: async (contact) =>
      (await call<ReceivedView>('GET', `/received?contact=${q(contact)}`)).messages,
    waitForReceived: async (contact, count, timeoutMs = 15_000) => {
      const view = await call<ReceivedView>('POST', '/wait', { contact, count, timeoutMs });
      if (view.count < count)
        throw new Error(`contact ${contact} has ${view.count} of ${count} messages after ${timeoutMs} ms`);
      return view.messages;
    },
    accounts: async () => (await call<{ accounts: AccountInfo[] }>('GET', '/accounts')).accounts,
    connections: () => call<ConnectionsView>('GET', '/connections'),
    deviceQueue: async (account) =>
      (await call<{ devices: DeviceQueueView[] }>('GET', `/device-queue?account=${q(account)}`)).devices,
    sendReceipt: async (contact, ids, type) => {
      await call('POST', '/receipt', { contact, ids, type });
    },
    disconnect: async (account, how = 'drop') => {
      await call('POST', '/disconnect', { account, how });
    },
    withholdAcks: async (account, withhold) => {
      await call('POST', '/withhold-acks', { account, withhold });
    },
    contactRecord: (contact) => call('GET', `/contact?contact=${q(contact)}`),
    contactPresence: (contact, account, state) =>
      call('POST', '/contact-presence', { contact, account, state }),
    dropMessages: async (account, drop) =>
      (await call<{ dropped: number }>('POST', '/drop-messages', { account, drop })).dropped,
  };
}
