import { deflateSync } from 'node:zlib';
import { generateMessageIDV2, proto, type BinaryNode } from '@whiskeysockets/baileys';
import type { ClientConnection } from './connection';
import { lidJid, pnJid, type SandboxContext } from './context';
import type {
  Account,
  CompanionDevice,
  QueuedMessage,
  QueuedNotification,
  QueuedReceipt,
  QueuedStanza,
} from './sandbox-store';
import { pub33, type DeviceBundle } from './signal-party';

/**
 * Stanzas towards companions: a contact's message, a message from the account's own phone, the history
 * bootstrap, and contacts' receipts for the account's messages. Messages are end-to-end encrypted with real
 * Signal sessions, so Baileys runs its normal decrypt path.
 *
 * As on WhatsApp, the server keeps every such stanza in the device's queue until the device acknowledges it:
 * sent now if the device is online, and sent again (marked `offline`, in the original order) at each login
 * until acknowledged. What counts as the acknowledgement is what Baileys 7 answers once it has handled the
 * stanza (lib/Socket/messages-recv.js):
 * - a message: its `<receipt>` (sendReceipt, with any type: none, `inactive`, `sender`, `peer_msg`; also
 *   `read`), which Baileys sends instead of an `<ack>` once the message is decrypted; WhatsApp's server too
 *   drops a message from a device's offline queue on that device's delivery receipt. An `<ack class="message">`
 *   also counts: Baileys sends it (often with an error code) for a message it could not or will not handle, and
 *   then the device, not the server, owns what happens next (a retry request to the sender, not simulated here).
 *   A `<receipt type="retry">` alone does not count.
 * - a receipt: its `<ack class="receipt">` (same id, same type), which Baileys sends after handling it.
 */
export class Delivery {
  /** Per-companion chains: Signal session setup and encryption must not interleave for one device. */
  private readonly chains = new Map<string, Promise<void>>();
  /** Accounts whose devices' acknowledgements are ignored for now (tests: an ack lost before the server). */
  private readonly withheld = new Set<string>();

  constructor(private readonly ctx: SandboxContext) {}

  /** Queues the message for every linked companion of the account and sends it to the ones online now. */
  async toAccount(account: Account, message: QueuedMessage): Promise<void> {
    await Promise.all(
      [...account.companions.values()].map((companion) => this.enqueue(account, companion, message)),
    );
  }

  /** Queues the message for one companion (group messages differ per device: the sender key goes to some). */
  toCompanion(account: Account, companion: CompanionDevice, message: QueuedMessage): Promise<void> {
    return this.enqueue(account, companion, message);
  }

  /** Queues a group notification for every linked companion of the account. */
  async notificationToAccount(account: Account, notification: QueuedNotification): Promise<void> {
    await Promise.all(
      [...account.companions.values()].map((companion) => this.enqueue(account, companion, notification)),
    );
  }

  /** Delivers everything the device has not acknowledged (marked `offline`) and returns how many were sent. */
  async flushOffline(conn: ClientConnection, account: Account, companion: CompanionDevice): Promise<number> {
    // Chained in one go, so nothing queued meanwhile can overtake the backlog.
    const backlog = [...companion.queue];
    await Promise.all(backlog.map((stanza) => this.deliver(conn, account, companion, stanza, true)));
    return backlog.length;
  }

  /**
   * The history-sync notification a real phone sends to a freshly linked companion (WA-PROTOCOL.md 7.5).
   * Without it Baileys waits 20 s in AwaitingInitialSync before flushing its event buffer. Queued like any
   * message: a device that lost it before acknowledging it (Baileys answers with `peer_msg` and `hist_sync`
   * receipts) gets it again at the next login, and leaves its initial-sync wait then.
   */
  async historyBootstrap(account: Account, companion: CompanionDevice): Promise<void> {
    const pushnames = [...this.ctx.store.contacts.values()]
      .filter((c) => c.pushName)
      .map((c) => ({ id: pnJid(c.phone), pushname: c.pushName }));
    // The chats the phone keeps settings for (archived, pinned, muted), as WhatsApp's bootstrap lists them.
    const conversations = Object.entries(account.phoneChats ?? {}).map(([id, s]) => ({
      id,
      archived: s.archived ?? false,
      pinned: s.pinned ?? 0,
      muteEndTime: s.muteEndTime ?? 0,
      ...(s.name ? { name: s.name } : {}),
    }));
    const history = proto.HistorySync.encode({
      syncType: proto.HistorySync.HistorySyncType.INITIAL_BOOTSTRAP,
      conversations,
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
    companion.bootstrapped = true;
    await this.enqueue(account, companion, {
      id: generateMessageIDV2(),
      from: account.phone,
      fromPhone: true,
      message: Buffer.from(message),
      t: Date.now(),
      category: 'peer',
    });
  }

  /** A contact's delivery/read receipt, queued for every linked companion of the account. */
  async receiptToAccount(
    account: Account,
    contactPhone: string,
    ids: string[],
    type: 'delivered' | 'read',
    group?: string,
  ): Promise<void> {
    const receipt: QueuedReceipt = {
      kind: 'receipt',
      id: ids[0],
      from: contactPhone,
      ids,
      type,
      t: Date.now(),
      ...(group ? { group } : {}),
    };
    await Promise.all(
      [...account.companions.values()].map((companion) => this.enqueue(account, companion, receipt)),
    );
  }

  /** An `<ack>` from the device: a message it handled, or a receipt it processed. */
  onAck(account: Account, companion: CompanionDevice, node: BinaryNode): void {
    const { id, type } = node.attrs;
    if (node.attrs.class === 'message')
      this.acknowledge(account, companion, (s) => isMessage(s) && s.id === id);
    if (node.attrs.class === 'notification')
      this.acknowledge(account, companion, (s) => s.kind === 'notification' && s.id === id);
    if (node.attrs.class === 'receipt')
      this.acknowledge(
        account,
        companion,
        (s) => isReceipt(s) && s.id === id && s.type === (type === 'read' ? 'read' : 'delivered'),
        true,
      );
  }

  /** A `<receipt>` from the device for messages it received (see the class comment). */
  onDeviceReceipt(
    account: Account,
    companion: CompanionDevice,
    ids: string[],
    type: string | undefined,
  ): void {
    if (type === 'retry') return;
    const acked = new Set(ids);
    this.acknowledge(account, companion, (s) => isMessage(s) && acked.has(s.id));
  }

  /** While on, acknowledgements from the account's devices are dropped, as if lost on the way. */
  withholdAcks(account: string, withhold: boolean): void {
    if (withhold) this.withheld.add(account);
    else this.withheld.delete(account);
  }

  /**
   * Removes what the acknowledgement covers: every queued message with an acknowledged id (one receipt may list
   * several), but only the oldest matching receipt (the same receipt can be queued twice, for a repeated id).
   */
  private acknowledge(
    account: Account,
    companion: CompanionDevice,
    matches: (s: QueuedStanza) => boolean,
    onlyFirst = false,
  ): void {
    if (this.withheld.has(account.phone)) return;
    const first = companion.queue.findIndex(matches);
    if (first < 0) return;
    if (onlyFirst) companion.queue.splice(first, 1);
    else companion.queue = companion.queue.filter((s) => !matches(s));
    this.ctx.store.markDirty();
  }

  private async enqueue(account: Account, companion: CompanionDevice, stanza: QueuedStanza): Promise<void> {
    companion.queue.push(stanza);
    this.ctx.store.markDirty();
    const conn = this.ctx.registry.get(account.phone, companion.deviceId);
    if (conn?.isOpen && conn.context.ready) await this.deliver(conn, account, companion, stanza, false);
    else
      this.ctx.log('debug', 'queued for offline companion', {
        account: account.phone,
        device: companion.deviceId,
        kind: stanza.kind ?? 'message',
      });
  }

  private deliver(
    conn: ClientConnection,
    account: Account,
    companion: CompanionDevice,
    stanza: QueuedStanza,
    offline: boolean,
  ): Promise<void> {
    const key = `${account.phone}:${companion.deviceId}`;
    const run = (this.chains.get(key) ?? Promise.resolve()).then(() => {
      if (!conn.isOpen) return; // still queued: the next login delivers it
      if (isReceipt(stanza)) return conn.sendNode(receiptNode(stanza, offline));
      if (stanza.kind === 'notification')
        return conn.sendNode({
          ...stanza.node,
          attrs: { ...stanza.node.attrs, ...(offline ? { offline: '1' } : {}) },
        });
      return this.encryptAndSend(conn, account, companion, stanza, offline);
    });
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
  ): Promise<void> {
    if (message.group) return this.sendGroupMessage(conn, account, companion, message, offline);
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
    };
    if (message.category) attrs.category = message.category;
    if (message.addressing === 'lid') {
      attrs.from = lidJid(this.ctx.store.contact(message.from).lid);
      attrs.addressing_mode = 'lid';
      if (message.senderPn) attrs.sender_pn = pnJid(message.from);
    }
    const destination = decoded.deviceSentMessage?.destinationJid;
    if (message.fromPhone && destination) attrs.recipient = destination;
    if (message.pushName) attrs.notify = message.pushName;
    if (offline) attrs.offline = '1';
    conn.sendNode({
      tag: 'message',
      attrs,
      content: [{ tag: 'enc', attrs: { v: '2', type }, content: ciphertext }],
    });
    // The Signal session moved on (and a one-time prekey may have been used).
    this.ctx.store.markDirty();
  }

  /**
   * A member's group message as WhatsApp relays it: from the group with the member as `participant`, the
   * member's sender-key distribution message in a pkmsg/msg when this device lacks the key, then the `skmsg`.
   */
  private async sendGroupMessage(
    conn: ClientConnection,
    account: Account,
    companion: CompanionDevice,
    message: QueuedMessage,
    offline: boolean,
  ): Promise<void> {
    const group = message.group!;
    const content: BinaryNode[] = [];
    if (group.skdm) {
      const distribution = proto.Message.encode({
        senderKeyDistributionMessage: { groupId: group.jid, axolotlSenderKeyDistributionMessage: group.skdm },
      }).finish();
      const party = this.ctx.store.contact(message.from).signal;
      const { type, ciphertext } = await party.encrypt(
        account.phone,
        companion.deviceId,
        Buffer.from(distribution),
        () => this.bundleOf(companion),
      );
      content.push({ tag: 'enc', attrs: { v: '2', type }, content: ciphertext });
    }
    content.push({ tag: 'enc', attrs: { v: '2', type: 'skmsg' }, content: group.skmsg });
    const decoded = proto.Message.decode(message.message);
    const attrs: Record<string, string> = {
      from: group.jid,
      participant: pnJid(message.from),
      id: message.id,
      t: String(Math.floor(message.t / 1000)),
      type: decoded.conversation || decoded.extendedTextMessage ? 'text' : 'media',
    };
    if (message.pushName) attrs.notify = message.pushName;
    if (offline) attrs.offline = '1';
    conn.sendNode({ tag: 'message', attrs, content });
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

const isReceipt = (s: QueuedStanza): s is QueuedReceipt => s.kind === 'receipt';
const isMessage = (s: QueuedStanza): s is QueuedMessage => s.kind === undefined || s.kind === 'message';

/** `<receipt>` as WhatsApp relays a contact's receipt; more than one id go into `<list>`. */
function receiptNode(receipt: QueuedReceipt, offline: boolean): BinaryNode {
  return {
    tag: 'receipt',
    attrs: {
      ...(receipt.group
        ? { from: receipt.group, participant: pnJid(receipt.from) }
        : { from: pnJid(receipt.from) }),
      id: receipt.id,
      t: String(Math.floor(receipt.t / 1000)),
      ...(receipt.type === 'read' ? { type: 'read' } : {}),
      ...(offline ? { offline: '1' } : {}),
    },
    content:
      receipt.ids.length > 1
        ? [
            {
              tag: 'list',
              attrs: {},
              content: receipt.ids.slice(1).map((id) => ({ tag: 'item', attrs: { id } })),
            },
          ]
        : undefined,
  };
}
