import { EventEmitter } from 'node:events';
import {
  Browsers,
  makeWASocket,
  type BaileysEventMap,
  type ConnectionState,
  type WASocket,
  type WAVersion,
} from '@whiskeysockets/baileys';
import pino from 'pino';
import type { WhatsAppSandbox } from '../../src/sandbox/whatsapp-sandbox';
import { MemoryAuthState } from './memory-auth-state';

export const PINNED_VERSION: WAVersion = [2, 3000, 1043857760];

const TRACKED_EVENTS = [
  'connection.update',
  'creds.update',
  'messages.upsert',
  'messages.update',
  'messaging-history.set',
  'groups.upsert',
  'groups.update',
  'group-participants.update',
  'message-receipt.update',
] as const satisfies (keyof BaileysEventMap)[];

type Tracked = (typeof TRACKED_EVENTS)[number];

export interface LoggedEvent<E extends Tracked = Tracked> {
  name: E;
  data: BaileysEventMap[E];
  socket: number;
}

/** What the client needs from a sandbox: in this process (WhatsAppSandbox) or another (SandboxProcess). */
export type SandboxEndpoint = Pick<WhatsAppSandbox, 'wsUrl' | 'httpsAgent' | 'mediaDispatcher' | 'scanQr'>;

export interface ClientOptions {
  qrTimeout?: number;
  /** Serialised auth state to start from (a restarted gateway). */
  serializedAuth?: string;
  /** Baileys' keep-alive period; it drops the connection after this plus 5 s without hearing from the server. */
  keepAliveIntervalMs?: number;
  /** Baileys' `emitOwnEvents` (default true): false, as the gateway runs it, for a like-for-like baseline. */
  emitOwnEvents?: boolean;
}

/**
 * The real, unmodified Baileys client as a gateway would run it against the sandbox: a fresh socket after
 * every close, auth state reloaded from its serialised form each time, and an event log tests wait on.
 */
export class BaileysTestClient {
  sock?: WASocket;
  auth: MemoryAuthState;
  readonly log: LoggedEvent[] = [];
  private readonly emitter = new EventEmitter();
  private socketCount = 0;

  constructor(
    public sandbox: SandboxEndpoint,
    private readonly opts: ClientOptions = {},
  ) {
    this.emitter.setMaxListeners(0);
    this.auth = opts.serializedAuth ? MemoryAuthState.restore(opts.serializedAuth) : MemoryAuthState.fresh();
  }

  /** Creates a new socket from the serialised auth state (proving that what a gateway stores is enough). */
  connect(): WASocket {
    this.auth = MemoryAuthState.restore(this.auth.serialize());
    const socket = ++this.socketCount;
    const sock = makeWASocket({
      waWebSocketUrl: this.sandbox.wsUrl,
      auth: this.auth.state,
      logger: pino({ level: 'silent' }),
      version: PINNED_VERSION,
      browser: Browsers.macOS('Chrome'),
      markOnlineOnConnect: false,
      syncFullHistory: false,
      qrTimeout: this.opts.qrTimeout,
      ...(this.opts.keepAliveIntervalMs ? { keepAliveIntervalMs: this.opts.keepAliveIntervalMs } : {}),
      ...(this.opts.emitOwnEvents === undefined ? {} : { emitOwnEvents: this.opts.emitOwnEvents }),
      // Generous: under a loaded CI machine a handshake of ten fresh clients at once can take many seconds.
      connectTimeoutMs: 60_000,
      fetchAgent: this.sandbox.httpsAgent,
      options: { dispatcher: this.sandbox.mediaDispatcher } as RequestInit,
    });
    for (const name of TRACKED_EVENTS) {
      const on = sock.ev.on.bind(sock.ev) as (event: Tracked, listener: (data: unknown) => void) => void;
      on(name, (data) => {
        const entry = { name, data, socket } as LoggedEvent;
        this.log.push(entry);
        this.emitter.emit('event', entry);
      });
    }
    this.sock = sock;
    return sock;
  }

  /** Waits for a logged event (from index `since` on) that matches; fails with a clear message at the deadline. */
  waitFor<E extends Tracked>(
    name: E,
    predicate: (data: BaileysEventMap[E], e: LoggedEvent<E>) => boolean = () => true,
    timeoutMs = 15_000,
    since = 0,
  ): Promise<BaileysEventMap[E]> {
    const matches = (e: LoggedEvent) =>
      e.name === name && predicate(e.data as BaileysEventMap[E], e as LoggedEvent<E>);
    const found = this.log.slice(since).find(matches);
    if (found) return Promise.resolve(found.data as BaileysEventMap[E]);
    return new Promise((resolve, reject) => {
      const onEvent = (e: LoggedEvent) => {
        if (!matches(e)) return;
        cleanup();
        resolve(e.data as BaileysEventMap[E]);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${name}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.emitter.off('event', onEvent);
      };
      this.emitter.on('event', onEvent);
    });
  }

  /** Waits for connection.update matching the predicate on the current socket only. */
  waitForConnection(
    predicate: (u: Partial<ConnectionState>) => boolean,
    timeoutMs = 15_000,
  ): Promise<Partial<ConnectionState>> {
    const socket = this.socketCount;
    return this.waitFor('connection.update', (u, e) => e.socket === socket && predicate(u), timeoutMs);
  }

  waitForOpen(timeoutMs = 15_000): Promise<Partial<ConnectionState>> {
    return this.waitForConnection((u) => u.connection === 'open', timeoutMs);
  }

  /** The status code of the current socket's close. */
  async waitForClose(timeoutMs = 15_000): Promise<number | undefined> {
    const update = await this.waitForConnection((u) => u.connection === 'close', timeoutMs);
    return (update.lastDisconnect?.error as { output?: { statusCode?: number } } | undefined)?.output
      ?.statusCode;
  }

  /** Fresh creds → QR → the phone scans → 515 → reconnect → open. */
  async link(
    opts: { phone?: string; pushName?: string; timeoutMs?: number } = {},
  ): Promise<{ phone: string; lid: string; deviceJid: string }> {
    const timeoutMs = opts.timeoutMs ?? 15_000;
    this.connect();
    const { qr } = await this.waitForConnection((u) => !!u.qr, timeoutMs);
    const linked = await this.sandbox.scanQr(qr!, opts);
    expectCode(await this.waitForClose(timeoutMs), 515);
    this.connect();
    await this.waitForOpen(timeoutMs);
    return linked;
  }

  /** Ends the socket without logging out (what a gateway does on shutdown). */
  async end(): Promise<void> {
    const sock = this.sock;
    if (!sock) return;
    this.sock = undefined;
    const closed = this.waitForConnection((u) => u.connection === 'close', 5_000).catch(() => undefined);
    sock.end(undefined);
    await closed;
  }
}

function expectCode(actual: number | undefined, expected: number): void {
  if (actual !== expected) throw new Error(`expected close ${expected}, got ${actual}`);
}
