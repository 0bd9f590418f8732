import makeWASocket, {
  BinaryNode,
  Browsers,
  generateMessageIDV2,
  proto,
  WAMessage,
  WAMessageUpdate,
  WASocket,
} from '@whiskeysockets/baileys';
import type { EventEmitter } from 'node:events';
import { Agent as HttpsAgent } from 'node:https';
import type pino from 'pino';
import { Agent as UndiciAgent } from 'undici';
import type { AuthStateStore } from '../auth-state-store';
import type {
  AccountIdentity,
  BlockedPerson,
  ChatState,
  ContactLookup,
  OutgoingContent,
  OwnPresence,
  PresenceUpdate,
  ReadTarget,
  Receipt,
  ReceiptStatus,
  SendOptions,
  SendResult,
} from '../engine.types';
import { NoProfileName } from '../engine-errors';
import type { ConnectionHandlers, EngineConnection } from '../whatsapp-engine';
import { deserialize, makeAuthState, serialize } from './baileys-auth-state';
import type { BaileysOptions } from './baileys-options';
import { classifyClose } from './close-classifier';
import { watchContacts } from './contact-events';
import { rethrowAsEngineError } from './engine-error';
import { toBaileysContent, toSendOptions } from './content-mapper';
import type { GroupRequest, GroupResult } from '../group.types';
import { onGroupChanges, runGroupRequest } from './group-ops';
import { lidOf, normalizeJid, phoneOf } from './jid';
import { toInboundMessage } from './message-mapper';
import { MappedPresence, toPresence } from './presence-mapper';
import { BaileysChatLike, toChatSyncs } from './chat-sync-mapper';
import { ServerAcks } from './server-acks';

/** Baileys' numeric receipt statuses (proto.WebMessageInfo.Status). */
const RECEIPT_STATUS: Record<number, ReceiptStatus> = { 0: 'failed', 3: 'delivered', 4: 'read', 5: 'played' };

/** Status updates of messages we sent, as receipts (others, e.g. of our own devices' reads, are left out). */
function toReceipts(updates: WAMessageUpdate[], only?: (status: ReceiptStatus) => boolean): Receipt[] {
  const receipts: Receipt[] = [];
  for (const { key, update } of updates) {
    const status = update.status != null ? RECEIPT_STATUS[update.status as number] : undefined;
    if (!status || !key.id || !key.fromMe || (only && !only(status))) continue;
    receipts.push({
      waMessageId: key.id,
      chatJid: normalizeJid(key.remoteJid ?? ''),
      status,
      timestamp: Number(update.messageTimestamp ?? Math.floor(Date.now() / 1000)),
      error:
        status === 'failed' ? String(update.messageStubParameters?.[0] ?? 'rejected by WhatsApp') : undefined,
    });
  }
  return receipts;
}

function identityOf(sock: WASocket): AccountIdentity {
  const user = sock.user;
  const jid = normalizeJid(user?.id ?? '');
  return { phone: phoneOf(jid) ?? '', jid, lid: lidOf(user?.lid ?? null), name: user?.name ?? null };
}

/**
 * What a connection knows that its owner reads synchronously, in a Float64Array so an engine thread can share
 * it with the API thread (a SharedArrayBuffer): [0] when the last frame arrived (ms), [1] 1 once linked.
 */
export const ACTIVITY_SLOTS = 2;

type SentMessage = SendResult & { payload?: string };

/**
 * How long a sent message stanza may wait for the server's answer. Past it the connection is taken for dead:
 * it is ended (the session reconnects) and the message goes back to the queue.
 */
export const SERVER_ACK_TIMEOUT_MS = 30_000;

/**
 * How long a requested close may wait for the server's closing handshake before the socket is cut. Baileys'
 * close waits for it (ws allows 30 s); a session handed to another node must be gone at WhatsApp before its
 * lease is let go (a second open connection of one device is a "replaced" and a ban risk), so a busy server's
 * late answer is not waited for.
 */
export const CLOSE_GRACE_MS = 2_000;

/** What `end` needs of the ws socket under Baileys' WebSocketClient. */
type RawSocket = { readyState: number; readonly OPEN: number; readonly CLOSING: number; terminate(): void };

/** One Baileys socket. Never reused: after it closes the session asks the engine for a new one. */
export class BaileysConnection implements EngineConnection {
  private intentional = false;
  private sending: Promise<void> = Promise.resolve();
  private readonly acks: ServerAcks;

  constructor(
    private readonly sock: WASocket,
    private readonly activity: Float64Array,
  ) {
    activity[0] = Date.now();
    const ws = sock.ws as unknown as EventEmitter;
    ws.on('frame', () => (activity[0] = Date.now()));
    this.acks = new ServerAcks(ws, SERVER_ACK_TIMEOUT_MS, () =>
      sock.end(new Error('WhatsApp did not acknowledge a sent message in time, reconnecting')),
    );
  }

  get isIntentional(): boolean {
    return this.intentional;
  }

  /**
   * Sends in the order asked: the send queue hands over the next messages before the first is answered, and
   * Baileys' sendMessage calls, run side by side, could reach WhatsApp in another order. The next message
   * starts once this one is encrypted: its stanza then waits for its Signal keys' commit (Baileys sends
   * stanzas in the order they were encrypted), so the keys of messages in flight together share commits.
   * A send resolves only once WhatsApp's server answered its stanza (see ServerAcks), which does not hold up
   * the next message.
   */
  send(jid: string, content: OutgoingContent, options?: SendOptions): Promise<SentMessage> {
    let encrypted!: () => void;
    const turn = new Promise<void>((resolve) => (encrypted = resolve));
    const next = this.sending
      .then(() => this.sendNow(jid, content, options, encrypted))
      .catch(rethrowAsEngineError);
    this.sending = Promise.race([
      turn,
      next.then(
        () => undefined,
        () => undefined,
      ),
    ]);
    return next;
  }

  private async sendNow(
    jid: string,
    content: OutgoingContent,
    options: SendOptions | undefined,
    onEncrypted: () => void,
  ): Promise<SentMessage> {
    const id = options?.waMessageId ?? generateMessageIDV2(this.sock.user?.id);
    const ack = this.acks.expect(id);
    let msg: WAMessage | undefined;
    try {
      msg = await this.sock.sendMessage(jid, toBaileysContent(content), {
        ...toSendOptions({ ...options, waMessageId: id }),
        onEncrypted,
      });
    } catch (err) {
      ack.cancel();
      throw err;
    }
    if (!msg?.key?.id) {
      ack.cancel();
      throw new Error('WhatsApp did not accept the message');
    }
    await ack.answered;
    const ts = Number(msg.messageTimestamp ?? Math.floor(Date.now() / 1000));
    const secret = content.type === 'poll' ? msg.message?.messageContextInfo?.messageSecret : undefined;
    return {
      waMessageId: msg.key.id,
      timestamp: ts,
      payload: msg.message ? serialize(msg.message) : undefined,
      ...(secret?.length ? { messageSecret: Buffer.from(secret).toString('base64') } : {}),
    };
  }

  /** The socket closed: sends still waiting for the server's answer fail with ConnectionLost (and are queued again). */
  markClosed(): void {
    this.acks.close();
  }

  requestPairingCode(phone: string): Promise<string> {
    return this.sock.requestPairingCode(phone);
  }

  async lookup(phone: string): Promise<ContactLookup> {
    const [result] = (await this.sock.onWhatsApp(phone).catch(rethrowAsEngineError)) ?? [];
    if (!result?.exists) return { phone, exists: false, jid: null, lid: null };
    const jid = normalizeJid(result.jid);
    const lid = await this.sock.signalRepository.lidMapping.getLIDForPN(jid).catch(() => null);
    return { phone, exists: true, jid, lid: lidOf(lid ?? null) };
  }

  async markRead(chatJid: string, messages: ReadTarget[]): Promise<void> {
    if (!messages.length) return;
    await this.sock
      .readMessages(
        messages.map((m) => ({
          remoteJid: chatJid,
          id: m.waMessageId,
          fromMe: false,
          ...(m.participantJid ? { participant: m.participantJid } : {}),
        })),
      )
      .catch(rethrowAsEngineError);
  }

  async sendChatState(chatJid: string, state: ChatState): Promise<void> {
    await this.sock
      .sendPresenceUpdate(state === 'typing' ? 'composing' : state, chatJid)
      .catch(rethrowAsEngineError);
  }

  async sendPresence(state: OwnPresence): Promise<void> {
    // Baileys drops the update without a word when the account has no name: say so instead.
    if (!this.sock.authState.creds.me?.name)
      throw new NoProfileName(
        'The account has no profile name yet; WhatsApp shows no online state without one',
      );
    await this.sock.sendPresenceUpdate(state).catch(rethrowAsEngineError);
  }

  async subscribePresence(jid: string): Promise<void> {
    await this.sock.presenceSubscribe(jid).catch(rethrowAsEngineError);
  }

  async profilePicture(jid: string): Promise<string | null> {
    try {
      return (await this.sock.profilePictureUrl(jid, 'image')) ?? null;
    } catch (err) {
      // WhatsApp answers 404 item-not-found for no picture, 401 not-authorized for one hidden from the account.
      const code = (err as { data?: unknown }).data;
      if (code === 404 || code === 401) return null;
      return rethrowAsEngineError(err);
    }
  }

  async setBlocked(jid: string, blocked: boolean): Promise<void> {
    await this.sock.updateBlockStatus(jid, blocked ? 'block' : 'unblock').catch(rethrowAsEngineError);
  }

  /** The block list; WhatsApp names people by LID there, the phone JID is looked up. */
  async blocklist(): Promise<BlockedPerson[]> {
    const jids = (await this.sock.fetchBlocklist().catch(rethrowAsEngineError)).filter(
      (j): j is string => !!j,
    );
    const mapping = this.sock.signalRepository.lidMapping;
    return Promise.all(
      jids.map(async (jid) => {
        const lid = lidOf(jid);
        if (lid) {
          const pn = await mapping.getPNForLID(jid).catch(() => null);
          return { phoneJid: pn ? normalizeJid(pn) : null, lid };
        }
        const pnLid = await mapping.getLIDForPN(jid).catch(() => null);
        return { phoneJid: normalizeJid(jid), lid: lidOf(pnLid ?? null) };
      }),
    );
  }

  group<R extends GroupRequest>(request: R): Promise<GroupResult<R>> {
    return runGroupRequest(this.sock, request);
  }

  /** The person's phone JID and LID, whichever of them the update named, the other looked up. */
  async withIdentities(p: MappedPresence): Promise<PresenceUpdate> {
    const mapping = this.sock.signalRepository.lidMapping;
    const lid = lidOf(p.personJid);
    if (lid) {
      const pn = await mapping.getPNForLID(p.personJid).catch(() => null);
      return { ...p, personJid: pn ? normalizeJid(pn) : null, personLid: lid };
    }
    const pnLid = phoneOf(p.personJid) ? await mapping.getLIDForPN(p.personJid).catch(() => null) : null;
    return { ...p, personLid: lidOf(pnLid ?? null) };
  }

  async logout(): Promise<void> {
    this.intentional = true;
    await this.sock.logout();
  }

  end(opts: { cut?: boolean } = {}): void {
    this.intentional = true;
    const raw = (this.sock.ws as unknown as { socket?: RawSocket | null }).socket;
    void this.sock.end(undefined);
    if (!raw) return;
    // Destroying the socket ends the TCP connection at once; ws then reports the close and Baileys with it.
    const cut = () => {
      // Only an open or closing socket: one still connecting was aborted by Baileys' close already.
      if (raw.readyState !== raw.OPEN && raw.readyState !== raw.CLOSING) return;
      try {
        raw.terminate();
      } catch {
        // Already torn down: nothing left to cut (and a timer's throw would end the engine thread).
      }
    };
    if (opts.cut) cut();
    else setTimeout(cut, CLOSE_GRACE_MS).unref();
  }

  idleMs(): number {
    return Date.now() - this.activity[0];
  }

  isLinked(): boolean {
    return this.activity[1] === 1;
  }
}

/** Media agents trusting the sandbox's certificate, for a thread that got only its PEM. */
export function mediaAgentsFor(caPem: string): Pick<BaileysOptions, 'mediaAgent' | 'mediaDispatcher'> {
  return {
    mediaAgent: new HttpsAgent({ ca: caPem, keepAlive: false }),
    mediaDispatcher: new UndiciAgent({ connect: { ca: caPem } }),
  };
}

export interface OpenSocketOptions {
  options: BaileysOptions;
  logger: pino.Logger;
  store: AuthStateStore;
  handlers: ConnectionHandlers;
  /** Where the connection writes its activity (see ACTIVITY_SLOTS); a fresh array when not shared. */
  activity?: Float64Array;
}

/** Opens one Baileys socket on the store's auth state and maps its events to the handlers. */
export async function openBaileysSocket({
  options: o,
  logger,
  store,
  handlers,
  activity = new Float64Array(ACTIVITY_SLOTS),
}: OpenSocketOptions): Promise<BaileysConnection> {
  // Once the close is reported the session may wipe the auth state or hand it to a new connection: what this
  // dead socket would still write (a late creds.update, keys of a message it was decrypting) is dropped.
  let closed = false;
  const owned: AuthStateStore = {
    readCreds: () => store.readCreds(),
    writeCreds: (value) => (closed ? Promise.resolve() : store.writeCreds(value)),
    readKeys: (type, ids) => store.readKeys(type, ids),
    writeKeys: (collect) => (closed ? Promise.resolve() : store.writeKeys(collect)),
    clear: () => store.clear(),
  };
  const { state, saveCreds, keysDurable } = await makeAuthState(owned, {
    // Keys in memory ahead of SQLite: the socket ends (sends already refuse, see keysDurable), and the next
    // connection starts from what SQLite holds.
    onWriteError: (err) => {
      logger.error({ err }, 'writing the auth state failed, the connection ends');
      sock.end(err);
    },
  });
  /** Messages handed over before their receipt; their later messages.upsert is not handed over again. */
  const stored = new WeakSet<object>();
  // What could not be stored stays unacknowledged, but WhatsApp redelivers only on a new connection: close this
  // one (a transient close, so the session reconnects at once) to have it sent again.
  const redeliverIfNotStored = (storing: Promise<void>): Promise<void> =>
    storing.catch((err: Error) => {
      sock.end(new Error(`incoming data not stored, reconnecting for redelivery: ${err.message}`));
      throw err;
    });
  const sock = makeWASocket({
    // Signal keys are read through makeAuthState's own cache (Baileys' makeCacheableSignalKeyStore takes a
    // mutex and sizes every value on each call, and cannot remember that a key is absent).
    auth: state,
    logger,
    browser: Browsers.macOS('Chrome'),
    ...(o.waWebSocketUrl ? { waWebSocketUrl: o.waWebSocketUrl } : {}),
    // Media upload goes through `fetchAgent`, media download through fetch's `dispatcher` (sandbox mode only).
    ...(o.mediaAgent ? { fetchAgent: o.mediaAgent } : {}),
    ...(o.mediaDispatcher ? { options: { dispatcher: o.mediaDispatcher } as RequestInit } : {}),
    ...(o.version ? { version: o.version } : {}),
    markOnlineOnConnect: false,
    syncFullHistory: false,
    qrTimeout: o.qrTimeoutMs,
    connectTimeoutMs: o.connectTimeoutMs,
    keepAliveIntervalMs: o.keepAliveIntervalMs,
    emitOwnEvents: false,
    // Incoming messages and receipts are stored before WhatsApp gets their receipt or ack (Baileys waits for
    // the promise, see the patch). Each message is handed over at once, in the turn its decryption set the
    // new Signal keys: the keys' write and the message's row join the same group commit (and from the engine
    // thread the keys travel in the same message), so a crash cannot keep the advanced keys without the
    // message, which WhatsApp would deliver again and the old keys could no longer decrypt.
    storeIncomingMessage: (msg, type) => {
      const mapped = toInboundMessage(msg as WAMessage);
      if (!mapped) return undefined;
      stored.add(msg);
      return redeliverIfNotStored(handlers.onMessages([mapped], type === 'notify'));
    },
    storeIncomingReceipts: (updates) => {
      const receipts = toReceipts(updates);
      return receipts.length ? redeliverIfNotStored(handlers.onReceipts(receipts)) : undefined;
    },
    // An encrypted message leaves only once the Signal keys its encryption wrote are committed (see the patch):
    // a crash right after a send must not bring back a ratchet state older than the recipient's.
    keysDurable,
    getMessage: async (key) => {
      const text = key.id ? await handlers.loadSentPayload?.(key.id) : undefined;
      return text ? proto.Message.fromObject(deserialize(text)) : undefined;
    },
  });
  const conn = new BaileysConnection(sock, activity);
  const linked = () => (activity[1] = state.creds.me?.id ? 1 : 0);
  linked();

  sock.ev.on('creds.update', () => {
    linked();
    void saveCreds();
  });
  sock.ev.on('connection.update', (update) => {
    if (update.qr) handlers.onQr(update.qr);
    if (update.connection === 'open') handlers.onOpen(identityOf(sock));
    if (update.connection === 'close') {
      conn.markClosed();
      // Pending creds writes (e.g. `me` right after pairing) land before the session reconnects.
      void saveCreds().finally(() => {
        closed = true;
        handlers.onClose(classifyClose(update.lastDisconnect?.error, conn.isIntentional));
      });
    }
  });
  // Messages that did not come through storeIncomingMessage (e.g. built from a notification or a call).
  sock.ev.on('messages.upsert', ({ messages, type }) => {
    const mapped = messages
      .filter((m) => !stored.has(m))
      .map((m: WAMessage) => toInboundMessage(m))
      .filter((m) => m !== null);
    if (mapped.length) void handlers.onMessages(mapped, type === 'notify').catch(() => undefined);
  });
  // Presence and chat states of subscribed people, from the nodes themselves (Baileys' presence.update event
  // reports `paused` as `available`); in order, though the LID lookups take their time.
  let presences = Promise.resolve();
  const onPresenceNode = (node: BinaryNode) => {
    const mapped = toPresence(node);
    const notify = handlers.onPresence;
    if (!mapped || !notify) return;
    const update = conn.withIdentities(mapped);
    presences = presences.then(() => update.then(notify, () => undefined));
  };
  if (handlers.onContacts) watchContacts(sock, handlers.onContacts);
  (sock.ws as any).on('CB:presence', onPresenceNode);
  (sock.ws as any).on('CB:chatstate', onPresenceNode);
  // Archived, pinned, muted and names of chats, from the history sync and app-state sync.
  const onChats = (chats: readonly BaileysChatLike[]) => {
    const mapped = toChatSyncs(chats);
    if (mapped.length) handlers.onChats?.(mapped);
  };
  sock.ev.on('messaging-history.set', ({ chats }) => onChats(chats as BaileysChatLike[]));
  sock.ev.on('chats.upsert', (chats) => onChats(chats as BaileysChatLike[]));
  sock.ev.on('chats.update', (chats) => onChats(chats as BaileysChatLike[]));
  // Group changes WhatsApp announced, the account's own included.
  onGroupChanges(sock, handlers, logger);
  // Group members' receipts of our messages, one per member (Baileys does not hand them to storeIncomingReceipts).
  sock.ev.on('message-receipt.update', (updates) => {
    const receipts: Receipt[] = [];
    for (const { key, receipt } of updates) {
      if (!key.id || !key.fromMe || !receipt.userJid) continue;
      const status: ReceiptStatus | null = receipt.playedTimestamp
        ? 'played'
        : receipt.readTimestamp
          ? 'read'
          : receipt.receiptTimestamp
            ? 'delivered'
            : null;
      if (!status) continue;
      const t = receipt.playedTimestamp ?? receipt.readTimestamp ?? receipt.receiptTimestamp;
      receipts.push({
        waMessageId: key.id,
        chatJid: normalizeJid(key.remoteJid ?? ''),
        status,
        timestamp: Number(t ?? Math.floor(Date.now() / 1000)),
        participantJid: normalizeJid(receipt.userJid),
      });
    }
    if (receipts.length) void handlers.onReceipts(receipts).catch(() => undefined);
  });
  // Delivery and read receipts come through storeIncomingReceipts; here only WhatsApp's refusals of a send.
  sock.ev.on('messages.update', (updates) => {
    const failed = toReceipts(updates, (status) => status === 'failed');
    if (failed.length) void handlers.onReceipts(failed).catch(() => undefined);
  });
  return conn;
}
