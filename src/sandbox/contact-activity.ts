import type { BinaryNode } from '@whiskeysockets/baileys';
import type { ClientConnection } from './connection';
import { pnJid, type SandboxContext } from './context';
import type {
  Account,
  ChatStateKind,
  CompanionDevice,
  Contact,
  PresenceState,
  SentByContact,
} from './sandbox-store';

/** How many received chat states a contact keeps (the newest). */
export const CHAT_STATES_KEPT = 200;
/** How many of its sent messages a contact keeps for receipts (the newest). */
export const SENT_KEPT = 2000;

/** What a contact can show the account: typing, recording, paused, or its online state. */
export type ContactPresence = ChatStateKind | PresenceState;

/** The contacts a connection subscribed to (`<presence type="subscribe">`); gone with the connection. */
function subscriptions(conn: ClientConnection): Set<string> {
  let subs = conn.context.presenceSubscriptions as Set<string> | undefined;
  if (!subs) conn.context.presenceSubscriptions = subs = new Set();
  return subs;
}

/**
 * The contacts' side of presence and read state, as WhatsApp relays it:
 * - an account's devices send `<receipt>` (delivery, `read`) for a contact's messages and `<chatstate>`
 *   (`<composing/>`, `<composing media="audio"/>`, `<paused/>`) to a contact: the contact records them;
 * - a device's `<presence type="available|unavailable">` is the account's online state;
 * - a device's `<presence type="subscribe" to=…>` subscribes that connection to the contact's presence: the
 *   server answers with the contact's current presence, and from then on forwards the contact's presence and
 *   chat states to it. WhatsApp forwards nothing to a connection that did not subscribe, and a subscription
 *   ends with its connection.
 */
export class ContactActivity {
  constructor(private readonly ctx: SandboxContext) {}

  /** The contact a JID names (`<digits>@s.whatsapp.net` or its `@lid`), if the sandbox knows it. */
  contactOf(jid: string | undefined): Contact | undefined {
    if (!jid) return undefined;
    const [user, server] = jid.split('@');
    const id = user?.split(':')[0];
    if (server === 's.whatsapp.net') return this.ctx.store.contacts.get(id);
    if (server === 'lid') return [...this.ctx.store.contacts.values()].find((c) => c.lid === id);
    return undefined;
  }

  /** A message the contact sent to the account, kept for the receipts that come back for it. */
  recordSent(contact: Contact, record: SentByContact): void {
    const sent = (contact.sent ??= []);
    sent.push(record);
    if (sent.length > SENT_KEPT) sent.splice(0, sent.length - SENT_KEPT);
    this.ctx.store.markDirty();
  }

  /**
   * A receipt a device of the account sent to the contact: no type (or `inactive`) is a delivery receipt, `read`
   * a read receipt. Others (`read-self`, `sender`, `peer_msg`, `hist_sync`, `retry`) never reach the contact.
   */
  onReceiptToContact(
    account: Account,
    to: string | undefined,
    ids: string[],
    type: string | undefined,
  ): void {
    const read = type === 'read';
    if (type !== undefined && type !== 'inactive' && !read) return;
    const contact = this.contactOf(to);
    if (!contact?.sent) return;
    const wanted = new Set(ids);
    const now = Date.now();
    let changed = false;
    for (const record of contact.sent) {
      if (record.toAccount !== account.phone || !wanted.has(record.id)) continue;
      if (record.receipts.deliveredAt === undefined) {
        record.receipts.deliveredAt = now;
        changed = true;
      }
      if (read && record.receipts.readAt === undefined) {
        record.receipts.readAt = now;
        changed = true;
      }
    }
    if (changed) this.ctx.store.markDirty();
  }

  /** A `<presence>` from a device: its account's online state, or a subscription to a contact. */
  onDevicePresence(conn: ClientConnection, node: BinaryNode, account: Account): void {
    const { type, to } = node.attrs;
    if (type === 'subscribe') {
      const contact = this.contactOf(to) ?? this.newContact(to);
      if (!contact) return;
      subscriptions(conn).add(contact.phone);
      conn.sendNode(this.presenceNode(contact));
      return;
    }
    if (type === 'available' || type === 'unavailable') {
      account.presence = { state: type, at: Date.now() };
      this.ctx.store.markDirty();
      this.ctx.events.emit('presence', { direction: 'from-account', account: account.phone, state: type });
    }
  }

  /** A `<chatstate to=contact>` from a device: the contact sees the account typing, recording or paused. */
  onDeviceChatState(node: BinaryNode, account: Account, companion: CompanionDevice): void {
    const contact = this.contactOf(node.attrs.to) ?? this.newContact(node.attrs.to);
    const child = Array.isArray(node.content) ? node.content[0] : undefined;
    if (!contact || !child) return;
    const state: ChatStateKind | undefined =
      child.tag === 'composing'
        ? child.attrs.media === 'audio'
          ? 'recording'
          : 'typing'
        : child.tag === 'paused'
          ? 'paused'
          : undefined;
    if (!state) return;
    const states = (contact.chatStates ??= []);
    states.push({ fromAccount: account.phone, fromDevice: companion.deviceId, state, at: Date.now() });
    if (states.length > CHAT_STATES_KEPT) states.splice(0, states.length - CHAT_STATES_KEPT);
    this.ctx.store.markDirty();
    this.ctx.events.emit('chatstate', { account: account.phone, contact: contact.phone, state });
  }

  /**
   * The contact shows the account a chat state, or goes online or offline. It reaches the account's
   * connections that subscribed to the contact; answers how many did.
   */
  contactPresence(contact: Contact, account: Account, state: ContactPresence): number {
    let node: BinaryNode;
    if (state === 'available' || state === 'unavailable') {
      contact.presence = { state, at: Date.now() };
      this.ctx.store.markDirty();
      node = this.presenceNode(contact);
    } else {
      const child: BinaryNode =
        state === 'recording'
          ? { tag: 'composing', attrs: { media: 'audio' } }
          : { tag: state === 'typing' ? 'composing' : 'paused', attrs: {} };
      node = { tag: 'chatstate', attrs: { from: pnJid(contact.phone) }, content: [child] };
    }
    let reached = 0;
    for (const { conn } of this.ctx.registry.connections(account.phone)) {
      if (!conn.isOpen || !subscriptions(conn).has(contact.phone)) continue;
      conn.sendNode(node);
      reached++;
    }
    return reached;
  }

  /** `<presence from=contact>`: online, or offline with the last seen time (when the contact was ever seen). */
  private presenceNode(contact: Contact): BinaryNode {
    const p = contact.presence;
    const attrs: Record<string, string> = { from: pnJid(contact.phone) };
    if (p?.state === 'available') return { tag: 'presence', attrs };
    attrs.type = 'unavailable';
    // `deny` is what WhatsApp says when it will not tell a last seen time.
    attrs.last = p ? String(Math.floor(p.at / 1000)) : 'deny';
    return { tag: 'presence', attrs };
  }

  /** A registered number the sandbox has not met yet becomes a contact when an account addresses it. */
  private newContact(jid: string | undefined): Contact | undefined {
    if (!jid?.endsWith('@s.whatsapp.net')) return undefined;
    const phone = jid.split('@')[0].split(':')[0];
    if (!/^\d{5,20}$/.test(phone) || !this.ctx.store.isRegistered(phone)) return undefined;
    return this.ctx.store.contact(phone);
  }
}
