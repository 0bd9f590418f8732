/**
 * The engine thread: runs every Baileys socket of the gateway, away from the API thread (see `engine-thread.ts`).
 * Each connection's auth state lives in the API thread's SQLite store and is reached by request; the keys a
 * connection sets are cached here and go over with the next message this thread posts (or alone, at the end of
 * the turn), so the API thread always has a send's new Signal keys before it hears the send succeeded; the API
 * thread answers once they are committed, and the send's stanza waits for that answer.
 */
import { baileysLogger } from '../baileys/baileys-logger';
import { parentPort, workerData } from 'node:worker_threads';
import { installSignalConsoleFilter } from '../../../common/logging/signal-console-filter';
import type { AuthStateStore, KeyEntry } from '../auth-state-store';
import type { OutgoingContent } from '../engine.types';
import { ConnectionLost } from '../engine-errors';
import type { GroupRequest } from '../group.types';
import type { ConnectionHandlers } from '../whatsapp-engine';
import { BaileysConnection, mediaAgentsFor, openBaileysSocket } from '../baileys/baileys-socket';
import type { BaileysOptions } from '../baileys/baileys-options';
import {
  answer,
  asBuffer,
  ConnectionMethod,
  FromEngine,
  fromWire,
  HandlerName,
  HostMethod,
  KeyWrite,
  PendingRequests,
  ThreadOptions,
  ToEngine,
  WireError,
} from './thread-protocol';

const threadOptions = (workerData as { options: ThreadOptions }).options;
const options: BaileysOptions = {
  ...threadOptions,
  ...(threadOptions.mediaCa ? mediaAgentsFor(threadOptions.mediaCa) : {}),
};
const logger = baileysLogger(options);
installSignalConsoleFilter(options.logLevel !== 'debug');

const host = parentPort!;
const requests = new PendingRequests();
interface KeyRequest {
  cid: number;
  collect: () => KeyEntry[];
  stored: { resolve: () => void; reject: (err: Error) => void };
}
/** Key writes asked for since the last post: each `collect` is called when they are posted. */
let unsentKeys: KeyRequest[] = [];
/** Key writes posted and not yet answered, by batch. */
const unstoredKeys = new Map<number, KeyRequest[]>();
let nextKid = 0;

/** The key writes asked for so far, one per connection, for the next message to the API thread. */
function takeKeys(): { keys: KeyWrite[]; kid: number } | undefined {
  if (!unsentKeys.length) return undefined;
  const batch = unsentKeys;
  unsentKeys = [];
  const kid = ++nextKid;
  unstoredKeys.set(kid, batch);
  const byConnection = new Map<number, KeyEntry[]>();
  for (const { cid, collect } of batch) {
    const entries = byConnection.get(cid);
    if (entries) entries.push(...collect());
    else byConnection.set(cid, collect());
  }
  return { keys: [...byConnection].map(([cid, entries]) => ({ cid, entries })), kid };
}

/** The API thread's answer to a batch of key writes. */
function keysStored(kid: number, error?: WireError): void {
  const batch = unstoredKeys.get(kid);
  unstoredKeys.delete(kid);
  for (const { stored } of batch ?? []) {
    if (error) stored.reject(fromWire(error));
    else stored.resolve();
  }
}

/** Every message to the API thread goes through here, so it carries the key writes asked for before it. */
const port = {
  postMessage(message: FromEngine): void {
    const keys = takeKeys();
    host.postMessage(keys ? { ...message, ...keys } : message);
  },
};

/** Key writes nothing else carried by the end of the turn go alone. */
function postKeys(): void {
  if (unsentKeys.length) port.postMessage({ op: 'keys' });
}

const hostCall = (rid: number, cid: number, method: HostMethod, args: unknown[]): FromEngine => ({
  op: 'host',
  rid,
  cid,
  method,
  args,
});

/** The session's AuthStateStore, in the API thread. */
function remoteStore(cid: number): AuthStateStore {
  const call = <T>(method: HostMethod, ...args: unknown[]) =>
    requests.request<T>(port, (rid) => hostCall(rid, cid, method, args));
  return {
    readCreds: () => call('readCreds'),
    writeCreds: (value) => call('writeCreds', value),
    readKeys: (type, ids) => call('readKeys', type, ids),
    // The API thread writes it (group-committed) before anything posted after it, and answers once committed.
    writeKeys: (collect) =>
      new Promise<void>((resolve, reject) => {
        if (!unsentKeys.length) setImmediate(postKeys);
        unsentKeys.push({ cid, collect, stored: { resolve, reject } });
      }),
    clear: () => call('clear'),
  };
}

function remoteHandlers(cid: number): ConnectionHandlers {
  const notify =
    (name: HandlerName) =>
    (...args: unknown[]) =>
      port.postMessage({ op: 'event', cid, name, args });
  return {
    onQr: notify('onQr'),
    onOpen: notify('onOpen'),
    onClose: notify('onClose'),
    onPresence: notify('onPresence'),
    onContacts: notify('onContacts'),
    onChats: notify('onChats'),
    onGroupEvent: notify('onGroupEvent'),
    onMessages: (messages, live) =>
      requests.request(port, (rid) => hostCall(rid, cid, 'onMessages', [messages, live])),
    onReceipts: (receipts) => requests.request(port, (rid) => hostCall(rid, cid, 'onReceipts', [receipts])),
    loadSentPayload: (waMessageId) =>
      requests.request(port, (rid) => hostCall(rid, cid, 'loadSentPayload', [waMessageId])),
  };
}

const connections = new Map<number, BaileysConnection>();

function withBuffers(content: OutgoingContent): OutgoingContent {
  if ('media' in content && 'data' in content.media)
    return { ...content, media: { ...content.media, data: asBuffer(content.media.data) } };
  return content;
}

function call(conn: BaileysConnection, method: ConnectionMethod, args: unknown[]): Promise<unknown> {
  switch (method) {
    case 'send': {
      const [jid, content, sendOptions] = args as Parameters<BaileysConnection['send']>;
      return conn.send(jid, withBuffers(content), sendOptions);
    }
    case 'requestPairingCode':
      return conn.requestPairingCode(args[0] as string);
    case 'lookup':
      return conn.lookup(args[0] as string);
    case 'logout':
      return conn.logout();
    case 'markRead':
      return conn.markRead(...(args as Parameters<BaileysConnection['markRead']>));
    case 'sendChatState':
      return conn.sendChatState(...(args as Parameters<BaileysConnection['sendChatState']>));
    case 'sendPresence':
      return conn.sendPresence(...(args as Parameters<BaileysConnection['sendPresence']>));
    case 'subscribePresence':
      return conn.subscribePresence(...(args as Parameters<BaileysConnection['subscribePresence']>));
    case 'profilePicture':
      return conn.profilePicture(args[0] as string);
    case 'setBlocked':
      return conn.setBlocked(...(args as Parameters<BaileysConnection['setBlocked']>));
    case 'blocklist':
      return conn.blocklist();
    case 'group':
      return conn.group(args[0] as GroupRequest);
  }
}

function connectionOf(cid: number): BaileysConnection {
  const conn = connections.get(cid);
  if (!conn) throw new ConnectionLost('Connection not open');
  return conn;
}

host.on('message', (message: ToEngine) => {
  switch (message.op) {
    case 'result':
      return requests.settle(message);
    case 'keysStored':
      return keysStored(message.kid, message.error);
    case 'connect': {
      const { cid } = message;
      return answer(port, message.rid, async () => {
        const conn = await openBaileysSocket({
          options: message.version ? { ...options, version: message.version } : options,
          logger,
          store: remoteStore(cid),
          handlers: {
            ...remoteHandlers(cid),
            onClose: (info) => {
              connections.delete(cid);
              port.postMessage({ op: 'event', cid, name: 'onClose', args: [info] });
            },
          },
          activity: new Float64Array(message.activity),
        });
        connections.set(cid, conn);
      });
    }
    case 'call':
      return answer(port, message.rid, () => call(connectionOf(message.cid), message.method, message.args));
    case 'end':
      return connections.get(message.cid)?.end({ cut: message.cut });
  }
});
