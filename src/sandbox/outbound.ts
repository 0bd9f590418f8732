import { jidDecode, proto, type BinaryNode } from '@whiskeysockets/baileys';
import type { ClientConnection } from './connection';
import { unixNow, type SandboxContext } from './context';
import type { Delivery } from './delivery';
import { decryptMedia, sha256Hex } from './media-crypto';
import { applyToReceived } from './contact-changes';
import { describeMessage, findMedia, unwrapMessage, type RecordedMessage } from './message-record';
import type { Account, Contact } from './sandbox-store';

export interface EncTarget {
  jid: string;
  enc: BinaryNode;
}

/** Resolves a PN or LID user to an account or a contact. */
export function resolveUser(
  ctx: SandboxContext,
  user: string,
  server: string,
): Account | Contact | undefined {
  if (server === 'lid') {
    for (const a of ctx.store.accounts.values()) if (a.lid === user) return a;
    for (const c of ctx.store.contacts.values()) if (c.lid === user) return c;
    return undefined;
  }
  return ctx.store.accounts.get(user) ?? ctx.store.contacts.get(user);
}

export const isAccount = (x: Account | Contact): x is Account => 'companions' in x;

/**
 * Messages a companion sends (WA-PROTOCOL.md section 8): every `<enc>` is decrypted with the recipient's Signal
 * state, the plaintext is recorded for the contact, the server acks, and the contact's receipts follow.
 */
export class Outbound {
  /** Per account whose acks are held back (holdAcks): the acks waiting to go out. */
  private readonly held = new Map<string, (() => void)[]>();
  /** Accounts whose message stanzas are lost (dropMessages), and how many were, per account. */
  private readonly dropping = new Set<string>();
  private readonly droppedCount = new Map<string, number>();

  /** Relays a message to a group (set by GroupRelay): per-device sender keys in `targets`, then the skmsg. */
  groupRelay?: (account: Account, deviceId: number, node: BinaryNode, targets: EncTarget[]) => Promise<void>;

  constructor(
    private readonly ctx: SandboxContext,
    private readonly delivery: Delivery,
  ) {}

  async handle(conn: ClientConnection, node: BinaryNode, account: Account, deviceId: number): Promise<void> {
    if (this.dropping.has(account.phone)) {
      this.droppedCount.set(account.phone, this.dropped(account.phone) + 1);
      return;
    }
    const { id, to } = node.attrs;
    const children = Array.isArray(node.content) ? node.content : [];
    const targets: EncTarget[] = [];
    for (const child of children) {
      if (child.tag === 'enc') targets.push({ jid: to, enc: child });
      if (child.tag === 'participants' && Array.isArray(child.content)) {
        for (const t of child.content) {
          const enc = Array.isArray(t.content) ? t.content.find((c) => c.tag === 'enc') : undefined;
          if (t.tag === 'to' && enc) targets.push({ jid: t.attrs.jid, enc });
        }
      }
    }
    try {
      if (to?.endsWith('@g.us') && this.groupRelay) await this.groupRelay(account, deviceId, node, targets);
      else for (const target of targets) await this.decryptOne(account, deviceId, id, target);
    } catch (err) {
      // WhatsApp's server stores what it relays without reading it: a message the sandbox could not record is
      // still acknowledged (the sender waits for that ack before it counts the message as sent).
      this.ctx.log('warn', 'could not record an outbound message', { id, err: (err as Error).message });
    }
    // Every message stanza is acknowledged, once it is stored for its recipients: after a crash it is never lost.
    const ack = () => conn.sendNode({ tag: 'ack', attrs: { class: 'message', id, from: to, t: unixNow() } });
    void this.ctx.store.whenSaved().then(() => {
      const held = this.held.get(account.phone);
      if (held) held.push(ack);
      else ack();
    });
  }

  /** While on, the account's message stanzas are lost unread: not recorded, not acknowledged. */
  dropMessages(account: string, drop: boolean): void {
    if (drop) this.dropping.add(account);
    else this.dropping.delete(account);
  }

  /** How many of the account's message stanzas were lost so far (dropMessages). */
  dropped(account: string): number {
    return this.droppedCount.get(account) ?? 0;
  }

  /** While on, the acks of the account's message stanzas wait; turning it off sends them, oldest first. */
  holdAcks(account: string, hold: boolean): void {
    const held = this.held.get(account);
    if (hold) {
      if (!held) this.held.set(account, []);
      return;
    }
    this.held.delete(account);
    for (const ack of held ?? []) ack();
  }

  private async decryptOne(account: Account, deviceId: number, id: string, target: EncTarget): Promise<void> {
    const decrypted = await this.decryptTarget(account, deviceId, id, target);
    // The copy for the account's own phone keeps that session in step; only contacts record messages.
    if (!decrypted || isAccount(decrypted.recipient)) return;
    await this.recordFor(
      account,
      deviceId,
      id,
      decrypted.recipient,
      proto.Message.decode(decrypted.plaintext),
    );
  }

  /** Decrypts one `pkmsg`/`msg` addressed to a contact or the account's own phone; undefined if not possible. */
  async decryptTarget(
    account: Account,
    deviceId: number,
    id: string,
    target: EncTarget,
  ): Promise<{ recipient: Account | Contact; plaintext: Buffer } | undefined> {
    const decoded = jidDecode(target.jid);
    if (!decoded || !(target.enc.content instanceof Uint8Array)) return undefined;
    const recipient = resolveUser(this.ctx, decoded.user, decoded.server);
    const type = target.enc.attrs.type;
    if (type !== 'pkmsg' && type !== 'msg') return undefined;
    if (!recipient || (isAccount(recipient) && (recipient !== account || decoded.device))) return undefined;
    const party = isAccount(recipient) ? recipient.phoneSignal : recipient.signal;
    try {
      const plaintext = await party.decrypt(account.phone, deviceId, type, Buffer.from(target.enc.content));
      return { recipient, plaintext };
    } catch (err) {
      this.ctx.log('warn', 'could not decrypt outbound message', {
        id,
        to: target.jid,
        err: (err as Error).message,
      });
      return undefined;
    } finally {
      this.ctx.store.markDirty();
    }
  }

  /** Records what the contact received (once per id), emits `message` (or `duplicate`) and schedules receipts. */
  async recordFor(
    account: Account,
    deviceId: number,
    id: string,
    recipient: Contact,
    message: proto.IMessage,
    group?: string,
  ): Promise<void> {
    const described = describeMessage(id, account.phone, deviceId, message);
    if (group) described.group = group;
    await this.attachMedia(described, message);
    const { record, duplicate } = this.ctx.store.recordReceived(recipient, described);
    if (duplicate) {
      // Ignored by the contact's phone, as WhatsApp clients do, but receipted again so the sender's status moves.
      this.ctx.log('debug', 'repeated message id ignored', { id, from: account.phone, to: recipient.phone });
      this.ctx.events.emit('duplicate', {
        contact: recipient.phone,
        account: account.phone,
        message: record,
      });
    } else {
      this.ctx.log('debug', 'message recorded', {
        id,
        from: account.phone,
        to: recipient.phone,
        kind: record.kind,
      });
      this.ctx.events.emit('message', { contact: recipient.phone, account: account.phone, message: record });
      // An edit or a delete of a message the contact has: its phone shows the change.
      const changed =
        record.kind === 'protocol'
          ? applyToReceived(recipient.received, account.phone, unwrapMessage(message))
          : null;
      if (changed) {
        this.ctx.store.markDirty();
        this.ctx.events.emit('changed', {
          contact: recipient.phone,
          account: account.phone,
          message: changed,
        });
      }
    }
    if (record.kind !== 'protocol') this.scheduleReceipts(account, recipient, record, group);
  }

  private async attachMedia(record: RecordedMessage, message: proto.IMessage): Promise<void> {
    const found = findMedia(unwrapMessage(message));
    const media = found?.media;
    if (!found || !media?.mediaKey) return;
    const file = this.ctx.media.get(media.directPath ?? media.url ?? '');
    if (!file) {
      record.mediaError = 'upload not found on the sandbox media host';
      return;
    }
    try {
      const bytes = await decryptMedia(found.type, file, media.mediaKey, media);
      record.media = { sha256: sha256Hex(bytes), length: bytes.length };
    } catch (err) {
      record.mediaError = (err as Error).message;
    }
  }

  /** Automatic receipts from the contact; timers only, so the receive loop never waits on them. */
  private scheduleReceipts(
    account: Account,
    contact: Contact,
    record: RecordedMessage,
    group?: string,
  ): void {
    const timing = this.ctx.options.receipts;
    if (!timing) return;
    setTimeout(
      () => this.receipt(account, contact, [record.id], 'delivered', group),
      timing.deliveredAfterMs,
    ).unref();
    setTimeout(() => this.receipt(account, contact, [record.id], 'read', group), timing.readAfterMs).unref();
  }

  /** Marks the contact's copies and queues the receipt for every companion of the account. */
  receipt(
    account: Account,
    contact: Contact,
    ids: string[],
    type: 'delivered' | 'read',
    group?: string,
  ): void {
    const now = Date.now();
    for (const record of contact.received) {
      if (!ids.includes(record.id)) continue;
      record.receipts.deliveredAt ??= now;
      if (type === 'read') record.receipts.readAt ??= now;
    }
    this.ctx.store.markDirty();
    this.delivery
      .receiptToAccount(account, contact.phone, ids, type, group)
      .catch((err: Error) => this.ctx.log('warn', 'could not deliver a receipt', { err: err.message }));
    this.ctx.events.emit('receipt', {
      direction: 'to-account',
      account: account.phone,
      contact: contact.phone,
      ids,
      type,
      ...(group ? { group } : {}),
    });
  }
}
