/**
 * What the API thread and the engine thread say to each other (see `engine-thread.ts`). Both sides make
 * requests of the other: the API thread asks a connection to send or look up, the engine thread asks for the
 * session's auth state and stored payloads. Messages on one port arrive in the order they were posted.
 */
import type { MessagePort, Worker } from 'node:worker_threads';
import type { KeyEntry } from '../auth-state-store';
import type { WaVersion } from '../engine.types';
import { ConnectionLost, NoProfileName, WhatsAppRefused } from '../engine-errors';
import type { BaileysOptions } from '../baileys/baileys-options';

/** Socket settings that can cross a thread (the media agents are rebuilt there from `mediaCa`). */
export type ThreadOptions = Omit<BaileysOptions, 'mediaAgent' | 'mediaDispatcher'>;

/** What a connection can be asked (EngineConnection's asynchronous methods). */
export type ConnectionMethod =
  | 'send'
  | 'requestPairingCode'
  | 'lookup'
  | 'logout'
  | 'markRead'
  | 'sendChatState'
  | 'sendPresence'
  | 'subscribePresence'
  | 'profilePicture'
  | 'setBlocked'
  | 'blocklist'
  | 'group';

/**
 * What the engine thread asks of the API thread: the AuthStateStore, ConnectionHandlers.loadSentPayload, and
 * the handlers that store incoming messages and receipts (answered once committed: the ack to WhatsApp waits).
 */
export type HostMethod =
  'readCreds' | 'writeCreds' | 'readKeys' | 'clear' | 'loadSentPayload' | 'onMessages' | 'onReceipts';

/** Signal keys a connection set, to be written to its store. */
export interface KeyWrite {
  cid: number;
  entries: KeyEntry[];
}

/** ConnectionHandlers' notifications. */
export type HandlerName =
  'onQr' | 'onOpen' | 'onClose' | 'onPresence' | 'onContacts' | 'onChats' | 'onGroupEvent';

export interface WireError {
  message: string;
  /** `ConnectionLost`, `NoProfileName` and `WhatsAppRefused` arrive as one again; other errors as an Error of that name. */
  name: string;
}

export interface ResultMessage {
  op: 'result';
  rid: number;
  value?: unknown;
  error?: WireError;
}

export type ToEngine =
  | { op: 'connect'; rid: number; cid: number; activity: SharedArrayBuffer; version?: WaVersion }
  | { op: 'call'; rid: number; cid: number; method: ConnectionMethod; args: unknown[] }
  | { op: 'end'; cid: number; cut?: boolean }
  /** The key writes posted with batch `kid` are committed (or failed, `error`). */
  | { op: 'keysStored'; kid: number; error?: WireError }
  | ResultMessage;

/**
 * Key writes ride along with whatever the engine thread posts next (`keys`, written before the message is
 * handled), or go alone (`op: 'keys'`) when nothing else is posted in the same turn. Each batch is answered
 * with `keysStored` once committed: a send waits for that before its stanza leaves (a write that fails also
 * ends the connection, see EngineThread).
 */
export type FromEngine = (
  | { op: 'host'; rid: number; cid: number; method: HostMethod; args: unknown[] }
  | { op: 'event'; cid: number; name: HandlerName; args: unknown[] }
  | { op: 'keys' }
  | ResultMessage
) & { keys?: KeyWrite[]; kid?: number };

export function toWire(err: unknown): WireError {
  const e = err as Error | undefined;
  return { message: String(e?.message ?? err), name: String(e?.name ?? 'Error') };
}

export function fromWire(wire: WireError): Error {
  if (wire.name === 'ConnectionLost') return new ConnectionLost(wire.message);
  if (wire.name === 'NoProfileName') return new NoProfileName(wire.message);
  if (wire.name === 'WhatsAppRefused') return WhatsAppRefused.fromMessage(wire.message);
  const err = new Error(wire.message);
  err.name = wire.name;
  return err;
}

type Port = Pick<MessagePort | Worker, 'postMessage'>;

/** Requests in flight to the other side, settled by its `result` messages. */
export class PendingRequests {
  private next = 0;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  request<T>(port: Port, message: (rid: number) => ToEngine | FromEngine): Promise<T> {
    const rid = ++this.next;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(rid, { resolve: resolve as (v: unknown) => void, reject });
      port.postMessage(message(rid));
    });
  }

  settle(result: ResultMessage): void {
    const waiter = this.pending.get(result.rid);
    if (!waiter) return;
    this.pending.delete(result.rid);
    if (result.error) waiter.reject(fromWire(result.error));
    else waiter.resolve(result.value);
  }

  rejectAll(err: Error): void {
    for (const waiter of this.pending.values()) waiter.reject(err);
    this.pending.clear();
  }
}

/** Answers a request of the other side with what `run` resolves to, or the error it threw. */
export function answer(port: Port, rid: number, run: () => unknown): void {
  Promise.resolve()
    .then(run)
    .then(
      (value) => port.postMessage({ op: 'result', rid, value } satisfies ResultMessage),
      (err: unknown) => port.postMessage({ op: 'result', rid, error: toWire(err) } satisfies ResultMessage),
    );
}

/** A Buffer that crossed a thread arrives as a plain Uint8Array; Baileys wants Buffers. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
