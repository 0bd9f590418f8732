import { deflateSync } from 'node:zlib';
import { generateMessageIDV2, proto, type BinaryNode } from '@whiskeysockets/baileys';
import type { ClientConnection } from './connection';
import { pnJid, unixNow, type SandboxContext } from './context';
import type { Account, CompanionDevice, QueuedMessage } from './sandbox-store';
import { pub33, type DeviceBundle } from './signal-party';

/**
 * Messages towards companions: a contact's message, a message from the account's own phone, the history
 * bootstrap and receipts. Everything is end-to-end encrypted with real Signal sessions, so Baileys runs its
 * normal decrypt path. A companion that is offline gets the message queued and delivered with `offline` set
 * on its next login.
 */
export class Delivery {
  /** Per-companion chains: Signal session setup and encryption must not interleave for one device. */
  private readonly chains = new Map<string, Promise<void>>();
  /** Messages sent on a connection and not yet acked by the client; re-queued if the connection dies first. */
  private readonly unacked = new Map<
    ClientConnection,
    Map<string, { companion: CompanionDevice; message: QueuedMessage }>
  >();

  constructor(private readonly ctx: SandboxContext) {}

  /** Sends to every linked companion of the account; offline ones get it queued. */
  async toAccount(account: Account, message: QueuedMessage): Promise<void> {
    for (const companion of account.companions.values()) {
      const conn = this.ctx.registry.get(account.phone, companion.deviceId);
      if (conn?.isOpen && conn.context.ready) {
        await this.deliver(conn, account, companion, message, false);
      } else {
        companion.offlineQueue.push(message);
        this.ctx.log('debug', 'queued message for offline companion', {
          account: account.phone,
          device: companion.deviceId,
        });
      }
    }
    this.ctx.store.markDirty();
  }

  /** Delivers the offline queue (marked `offline`, so Baileys emits `append`) and returns how many were sent. */
  async flushOffline(conn: ClientConnection, account: Account, companion: CompanionDevice): Promise<number> {
    const queue = companion.offlineQueue.splice(0);
    for (const message of queue) await this.deliver(conn, account, companion, message, true);
    if (queue.length) this.ctx.store.markDirty();
    return queue.length;
  }

  /**
   * The history-sync notification a real phone sends to a freshly linked companion (WA-PROTOCOL.md 7.5).
   * Without it Baileys waits 20 s in AwaitingInitialSync before flushing its event buffer.
   */
  async historyBootstrap(
    conn: ClientConnection,
    account: Account,
    companion: CompanionDevice,
  ): Promise<void> {
    const pushnames = [...this.ctx.store.contacts.values()]
      .filter((c) => c.pushName)
      .map((c) => ({ id: pnJid(c.phone), pushname: c.pushName }));
    const history = proto.HistorySync.encode({
      syncType: proto.HistorySync.HistorySyncType.INITIAL_BOOTSTRAP,
      conversations: [],
      pushnames,
    }).finish();
    const message = proto.Message.encode({
      protocolMessage: {
        type: proto.Message.ProtocolMessage.Type.HISTORY_SYNC_NOTIFICATION,
        historySyncNotification: {
          syncType: proto.Message.HistorySyncType.INITIAL_BOOTSTRAP,
          chunkOrder: 0,
          progress: 100,
          initialHistBootstrapInlinePayload: deflateSync(history),
        },
      },
    }).finish();
    await this.deliver(
      conn,
      account,
      companion,
      {
        id: generateMessageIDV2(),
        from: account.phone,
        fromPhone: true,
        message: Buffer.from(message),
        t: Date.now(),
      },
      false,
      { category: 'peer' },
    );
    companion.bootstrapped = true;
    this.ctx.store.markDirty();
  }

  /** A contact's delivery/read receipt, to every connected companion of the account. */
  receiptToAccount(account: Account, contactPhone: string, ids: string[], type: 'delivered' | 'read'): void {
    const node: BinaryNode = {
      tag: 'receipt',
      attrs: {
        from: pnJid(contactPhone),
        id: ids[0],
        t: unixNow(),
        ...(type === 'read' ? { type: 'read' } : {}),
      },
      content:
        ids.length > 1
          ? [{ tag: 'list', attrs: {}, content: ids.slice(1).map((id) => ({ tag: 'item', attrs: { id } })) }]
          : undefined,
    };
    for (const { conn } of this.ctx.registry.connections(account.phone)) {
      if (conn.isOpen && conn.context.ready) conn.sendNode(node);
    }
  }

  /** The client acked a message: it was processed and need not be re-sent. */
  onAck(conn: ClientConnection, id: string): void {
    this.unacked.get(conn)?.delete(id);
  }

  /** The connection is gone: what it never acked goes back to the front of the offline queue. */
  onClose(conn: ClientConnection): void {
    const pending = this.unacked.get(conn);
    this.unacked.delete(conn);
    if (!pending?.size) return;
    const byCompanion = new Map<CompanionDevice, QueuedMessage[]>();
    for (const { companion, message } of pending.values()) {
      byCompanion.set(companion, [...(byCompanion.get(companion) ?? []), message]);
    }
    for (const [companion, messages] of byCompanion) companion.offlineQueue.unshift(...messages);
    this.ctx.store.markDirty();
  }

  private deliver(
    conn: ClientConnection,
    account: Account,
    companion: CompanionDevice,
    message: QueuedMessage,
    offline: boolean,
    extraAttrs: Record<string, string> = {},
  ): Promise<void> {
    const key = `${account.phone}:${companion.deviceId}`;
    const run = (this.chains.get(key) ?? Promise.resolve()).then(() =>
      this.encryptAndSend(conn, account, companion, message, offline, extraAttrs),
    );
    const settled = run.catch(() => undefined);
    this.chains.set(key, settled);
    void settled.then(() => {
      if (this.chains.get(key) === settled) this.chains.delete(key);
    });
    return run;
  }

  private async encryptAndSend(
    conn: ClientConnection,
    account: Account,
    companion: CompanionDevice,
    message: QueuedMessage,
    offline: boolean,
    extraAttrs: Record<string, string> = {},
  ): Promise<void> {
    const party = message.fromPhone ? account.phoneSignal : this.ctx.store.contact(message.from).signal;
    const { type, ciphertext } = await party.encrypt(account.phone, companion.deviceId, message.message, () =>
      this.bundleOf(companion),
    );
    const decoded = proto.Message.decode(message.message);
    const attrs: Record<string, string> = {
      from: pnJid(message.from),
      id: message.id,
      t: String(Math.floor(message.t / 1000)),
      type: decoded.conversation || decoded.extendedTextMessage || decoded.protocolMessage ? 'text' : 'media',
      ...extraAttrs,
    };
    const destination = decoded.deviceSentMessage?.destinationJid;
    if (message.fromPhone && destination) attrs.recipient = destination;
    if (message.pushName) attrs.notify = message.pushName;
    if (offline) attrs.offline = '1';
    conn.sendNode({
      tag: 'message',
      attrs,
      content: [{ tag: 'enc', attrs: { v: '2', type }, content: ciphertext }],
    });
    this.ctx.store.markDirty();
  }

  /** The companion's bundle from its registration and uploads; each one-time prekey is handed out once. */
  private bundleOf(companion: CompanionDevice): DeviceBundle {
    const [preKeyId] = Object.keys(companion.oneTimePreKeys);
    const bundle: DeviceBundle = {
      registrationId: companion.registrationId,
      identityKey: pub33(companion.identityPub),
      signedPreKey: {
        keyId: companion.signedPreKey.id,
        publicKey: pub33(companion.signedPreKey.pub),
        signature: companion.signedPreKey.sig,
      },
    };
    if (preKeyId !== undefined) {
      bundle.preKey = { keyId: Number(preKeyId), publicKey: pub33(companion.oneTimePreKeys[preKeyId]) };
      delete companion.oneTimePreKeys[preKeyId];
    }
    return bundle;
  }
}
