import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { AuthStateStore } from '../auth-state-store';
import type {
  BlockedPerson,
  ChatState,
  ContactLookup,
  InboundMessage,
  OutgoingContent,
  OwnPresence,
  ReadTarget,
  Receipt,
  SendOptions,
  SendResult,
} from '../engine.types';
import { ConnectionLost } from '../engine-errors';
import type { GroupRequest, GroupResult } from '../group.types';
import type { ConnectionHandlers, ConnectOptions, EngineConnection } from '../whatsapp-engine';
import { BAILEYS_OPTIONS, BaileysOptions } from '../baileys/baileys-options';
import { ACTIVITY_SLOTS } from '../baileys/baileys-socket';
import { BaileysEngine } from '../baileys/baileys.engine';
import {
  answer,
  ConnectionMethod,
  FromEngine,
  HostMethod,
  KeyWrite,
  PendingRequests,
  ThreadOptions,
  ToEngine,
  toWire,
} from './thread-protocol';

/**
 * Loads the worker's entry: compiled JavaScript in `dist/`, or the TypeScript source (tests) through the same
 * swc hook the other TypeScript children use.
 */
const BOOT = `
const { workerData } = require('node:worker_threads');
if (workerData.entry.endsWith('.ts')) require(workerData.tsHook);
require(workerData.entry);
`;
const ENTRY = join(__dirname, `engine-worker${extname(__filename)}`);
const TS_HOOK = join(__dirname, '..', '..', '..', '..', 'scripts', 'swc-register.js');

interface Client {
  store: AuthStateStore;
  handlers: ConnectionHandlers;
  closed: boolean;
}

/** A connection whose socket runs on the engine thread. */
class ThreadConnection implements EngineConnection {
  private readonly activity: Float64Array;

  constructor(
    private readonly thread: EngineThread,
    private readonly cid: number,
    activity: SharedArrayBuffer,
  ) {
    this.activity = new Float64Array(activity);
  }

  send(jid: string, content: OutgoingContent, options?: SendOptions) {
    return this.thread.call<SendResult & { payload?: string }>(this.cid, 'send', [jid, content, options]);
  }

  requestPairingCode(phone: string): Promise<string> {
    return this.thread.call(this.cid, 'requestPairingCode', [phone]);
  }

  lookup(phone: string): Promise<ContactLookup> {
    return this.thread.call(this.cid, 'lookup', [phone]);
  }

  logout(): Promise<void> {
    return this.thread.call(this.cid, 'logout', []);
  }

  markRead(chatJid: string, messages: ReadTarget[]): Promise<void> {
    return this.thread.call(this.cid, 'markRead', [chatJid, messages]);
  }

  sendChatState(chatJid: string, state: ChatState): Promise<void> {
    return this.thread.call(this.cid, 'sendChatState', [chatJid, state]);
  }

  sendPresence(state: OwnPresence): Promise<void> {
    return this.thread.call(this.cid, 'sendPresence', [state]);
  }

  subscribePresence(jid: string): Promise<void> {
    return this.thread.call(this.cid, 'subscribePresence', [jid]);
  }

  profilePicture(jid: string): Promise<string | null> {
    return this.thread.call(this.cid, 'profilePicture', [jid]);
  }

  setBlocked(jid: string, blocked: boolean): Promise<void> {
    return this.thread.call(this.cid, 'setBlocked', [jid, blocked]);
  }

  blocklist(): Promise<BlockedPerson[]> {
    return this.thread.call(this.cid, 'blocklist', []);
  }

  group<R extends GroupRequest>(request: R): Promise<GroupResult<R>> {
    return this.thread.call(this.cid, 'group', [request]);
  }

  end(opts?: { cut?: boolean }): void {
    this.thread.post({ op: 'end', cid: this.cid, cut: opts?.cut });
  }

  idleMs(): number {
    return Date.now() - this.activity[0];
  }

  isLinked(): boolean {
    return this.activity[1] === 1;
  }
}

/**
 * The WhatsAppEngine with every Baileys socket on one worker thread (`WA_ENGINE_THREAD=worker`, and `auto` on
 * 2+ cores). Baileys and libsignal spend a few milliseconds of CPU per message; on the API thread that time is
 * taken from HTTP requests and the database. On a thread of their own they run beside the API on another core.
 * SQLite stays on the API thread (one writer, group commits): the engine thread asks it for auth state and
 * sends key writes over.
 *
 * One thread for all sessions, started at the first connection: a thread costs its own copy of Baileys in
 * memory, which would be most of an idle session's footprint if each had its own. If the thread dies, every
 * connection on it closes as `transient` and the sessions reconnect on a new one.
 */
@Injectable()
export class EngineThread extends BaileysEngine implements OnApplicationShutdown {
  private readonly log = new Logger('EngineThread');
  private worker: Worker | null = null;
  private readonly requests = new PendingRequests();
  private readonly clients = new Map<number, Client>();
  private nextCid = 0;

  constructor(@Inject(BAILEYS_OPTIONS) options: BaileysOptions) {
    super(options);
  }

  override async connect({ store, handlers, version }: ConnectOptions): Promise<EngineConnection> {
    const cid = ++this.nextCid;
    const activity = new SharedArrayBuffer(Float64Array.BYTES_PER_ELEMENT * ACTIVITY_SLOTS);
    this.clients.set(cid, { store, handlers, closed: false });
    const worker = this.start();
    try {
      await this.requests.request(worker, (rid) => ({ op: 'connect', rid, cid, activity, version }));
    } catch (err) {
      this.clients.delete(cid);
      throw err;
    }
    return new ThreadConnection(this, cid, activity);
  }

  call<T>(cid: number, method: ConnectionMethod, args: unknown[]): Promise<T> {
    if (!this.worker)
      return Promise.reject(new ConnectionLost('Connection not open: the engine thread stopped'));
    return this.requests.request<T>(this.worker, (rid) => ({ op: 'call', rid, cid, method, args }));
  }

  post(message: ToEngine): void {
    this.worker?.postMessage(message);
  }

  async onApplicationShutdown(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.worker = null;
    this.requests.rejectAll(new ConnectionLost('Connection not open: the gateway is shutting down'));
    await worker.terminate();
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const { mediaAgent: _agent, mediaDispatcher: _dispatcher, ...options } = this.options;
    const worker = new Worker(BOOT, {
      eval: true,
      workerData: { entry: ENTRY, tsHook: TS_HOOK, options: options satisfies ThreadOptions },
    });
    worker.on('message', (message: FromEngine) => this.onMessage(message));
    worker.on('error', (err) => this.log.error(`engine thread failed: ${err.stack ?? err.message}`));
    worker.on('exit', (code) => {
      if (this.worker !== worker) return;
      this.worker = null;
      this.log.error(`engine thread exited (code ${code}); its connections reconnect on a new one`);
      this.requests.rejectAll(new ConnectionLost('Connection lost: the engine thread exited'));
      for (const [cid, client] of this.clients) {
        this.clients.delete(cid);
        if (!client.closed)
          client.handlers.onClose({ kind: 'transient', code: null, message: 'The engine thread exited' });
      }
    });
    return (this.worker = worker);
  }

  private onMessage(message: FromEngine): void {
    if (message.keys) this.writeKeyBatch(message.keys, message.kid!);
    switch (message.op) {
      case 'keys':
        return;
      case 'result':
        return this.requests.settle(message);
      case 'event': {
        const client = this.clients.get(message.cid);
        if (!client) return;
        if (message.name === 'onClose') this.forget(message.cid, client);
        return (client.handlers[message.name] as ((...args: unknown[]) => void) | undefined)?.(
          ...message.args,
        );
      }
      case 'host': {
        const client = this.clients.get(message.cid);
        const worker = this.worker;
        if (!worker) return;
        return answer(worker, message.rid, () => {
          if (!client) throw new Error('Unknown connection');
          return this.host(client, message.method, message.args);
        });
      }
    }
  }

  private host(client: Client, method: HostMethod, args: unknown[]): Promise<unknown> {
    const { store } = client;
    switch (method) {
      case 'readCreds':
        return store.readCreds();
      case 'writeCreds':
        return store.writeCreds(args[0] as string);
      case 'readKeys':
        return store.readKeys(args[0] as string, args[1] as string[]);
      case 'clear':
        return store.clear();
      case 'loadSentPayload':
        return client.handlers.loadSentPayload?.(args[0] as string) ?? Promise.resolve(undefined);
      case 'onMessages':
        return client.handlers.onMessages(args[0] as InboundMessage[], args[1] as boolean);
      case 'onReceipts':
        return client.handlers.onReceipts(args[0] as Receipt[]);
    }
  }

  /**
   * Writes the keys connections set (group-committed with the other writes of this turn) and tells the engine
   * thread once they are committed: sends wait for that. The engine thread has already gone on with them in its
   * cache: if they cannot be stored, the connection ends, and the next one starts from what SQLite holds.
   */
  private writeKeyBatch(writes: KeyWrite[], kid: number): void {
    const worker = this.worker;
    void Promise.all(writes.map((write) => this.writeKeys(write))).then(
      () => worker?.postMessage({ op: 'keysStored', kid } satisfies ToEngine),
      (err) => worker?.postMessage({ op: 'keysStored', kid, error: toWire(err) } satisfies ToEngine),
    );
  }

  private writeKeys({ cid, entries }: KeyWrite): Promise<void> {
    const client = this.clients.get(cid);
    if (!client) return Promise.resolve();
    return client.store
      .writeKeys(() => entries)
      .catch((err: Error) => {
        this.log.error(`writing Signal keys failed, the connection ends: ${err.message}`);
        this.post({ op: 'end', cid });
        throw err;
      });
  }

  /**
   * A closed connection is remembered for a while: a read its socket had under way at the close is still
   * answered. (Writes after the close are dropped where they start, in `openBaileysSocket`.)
   */
  private forget(cid: number, client: Client): void {
    client.closed = true;
    setTimeout(() => this.clients.delete(cid), 60_000).unref();
  }
}
