import { EventEmitter } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import type { AddressInfo } from 'node:net';
import { generateMessageIDV2, proto } from '@whiskeysockets/baileys';
import type { Agent as UndiciAgent } from 'undici';
import { WebSocketServer } from 'ws';
import { parseClientVersion } from './client-version';
import { ClientConnection } from './connection';
import { ConnectionLog, type ConnectionsView } from './connection-log';
import { ContactActivity, type ContactPresence } from './contact-activity';
import { ContactProfiles } from './contact-profile';
import { installSignalConsoleFilter } from '../common/logging/signal-console-filter';
import { pnJid, Registry, type ReceiptTiming, type SandboxContext } from './context';
import { Delivery } from './delivery';
import { editMessage, pollVoteMessage, reactionMessage, revokeMessage } from './contact-changes';
import { buildMediaMessage, type ContactMedia } from './contact-media';
import type { SandboxGroup } from './group-model';
import { GroupRelay } from './group-relay';
import { Groups, type ParticipantAction, type ParticipantResult } from './groups';
import { generateTls, MediaServer } from './media-server';
import type { RecordedMessage } from './message-record';
import { NodeRouter } from './node-router';
import { Outbound } from './outbound';
import { Pairing, type LinkResult } from './pairing';
import {
  SandboxStore,
  type Account,
  type PhoneChatSettings,
  type PresenceRecord,
  type ReceivedChatState,
  type SentByContact,
} from './sandbox-store';
import type { LogLevel, SandboxLog } from './types';

export interface SandboxOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** JSON persistence file; omit to keep everything in memory. */
  stateFile?: string;
  /** Automatic receipts from contacts, or false for manual ones via sendReceipt(). */
  receipts?: ReceiptTiming | false;
  /** Refs (QR codes) per pair-device. */
  qrRefs?: number;
  /** Refuse clients older than this WhatsApp Web version (`2.3000.1`) with a 405 at login, as WhatsApp does. */
  minVersion?: string;
  /**
   * Close a logged-in connection that sends nothing for this long (reason `idle`), as WhatsApp's servers drop
   * a silent client; 0 or omitted: never.
   */
  idleTimeoutMs?: number;
  log?: (level: LogLevel, msg: string, fields?: Record<string, unknown>) => void;
  /** Drop libsignal's console dumps of session objects (they hold private keys); default true. */
  silenceSignalLogs?: boolean;
}

export type ContactContent = { text: string } | ContactMedia;

/** What a contact can do to an earlier message (see `contactChange`). */
export type ContactChange =
  | { edit: { id: string; text: string } }
  | { revoke: { id: string } }
  | { react: { id: string; emoji: string } }
  | { vote: { pollId: string; options: string[] } };

export interface ContactSendOptions {
  pushName?: string;
  id?: string;
  /**
   * `lid`: the stanza names the contact by LID only (`from=<lid>@lid`), as WhatsApp increasingly does; add
   * `senderPn: true` for the phone number as WhatsApp sends it along (`sender_pn`), which gives the client
   * the LID ↔ phone mapping. Default `pn`: from the phone number.
   */
  addressing?: 'pn' | 'lid';
  senderPn?: boolean;
}

export interface AccountInfo {
  phone: string;
  lid: string;
  pushName: string;
  /** `queued`: stanzas the device has not acknowledged yet (sent or waiting for its next login). */
  devices: { deviceId: number; deviceJid: string; connected: boolean; queued: number }[];
  /** Privacy tokens the account's devices issued to contacts (one per contact per 7-day bucket is normal). */
  privacyTokensIssued: number;
}

/** A stanza a device has not acknowledged yet, as deviceQueue() shows it. */
export interface QueuedStanzaView {
  kind: 'message' | 'receipt' | 'notification';
  /** The message id, or for a receipt the first of `ids`. */
  id: string;
  /** A contact's digits, or the account's own for a message from its phone. */
  from: string;
  t: number;
  /** Messages: the text, when it is one. */
  text?: string;
  fromPhone?: boolean;
  /** Receipts: the message ids and the type. */
  ids?: string[];
  type?: 'delivered' | 'read';
}

/** What a contact saw of the accounts: its messages' receipts, the chat states sent to it, its own presence. */
export interface ContactRecord {
  phone: string;
  lid: string;
  /** The messages it sent (newest last), each with the delivery and read receipts the account sent for it. */
  sent: SentByContact[];
  /** Typing, recording and paused states the accounts' devices sent it, oldest first. */
  chatStates: ReceivedChatState[];
  /** Its own online state (set with contactPresence); null: never online. */
  presence: PresenceRecord | null;
  /** The accounts that blocked it. */
  blockedBy: string[];
  /** Whether it has a profile picture. */
  hasPicture: boolean;
}

export interface DeviceQueueView {
  deviceId: number;
  deviceJid: string;
  connected: boolean;
  /** Oldest first, in the order a login delivers them. */
  stanzas: QueuedStanzaView[];
}

/** A 1×1 PNG, the default picture a contact sends. */

/**
 * A simulated WhatsApp server for the unmodified Baileys client: Noise handshake, pairing, login, Signal
 * end-to-end messages both ways, receipts, media and logout, with a control API that plays the phones.
 */
export class WhatsAppSandbox {
  readonly events = new EventEmitter();
  /** `ws://host:port/ws/chat`, the client's `waWebSocketUrl`. */
  readonly wsUrl: string;
  private readonly ctx: SandboxContext;
  private readonly pairing: Pairing;
  private readonly delivery: Delivery;
  /** Direct path of the file of each media message a contact sent, by message id (for refuseMedia()). */
  private readonly mediaPaths = new Map<string, string>();
  /** Statuses the media host answers for the file of a message, set before or after it was sent. */
  private readonly refusals = new Map<string, 404 | 410>();
  private readonly outbound: Outbound;
  private readonly contacts: ContactActivity;
  private readonly profiles: ContactProfiles;
  private readonly groupStore: Groups;
  private readonly groupRelay: GroupRelay;

  private constructor(
    private readonly http: Server,
    private readonly wss: WebSocketServer,
    store: SandboxStore,
    media: MediaServer,
    log: SandboxLog,
    opts: SandboxOptions,
  ) {
    const { address, port } = http.address() as AddressInfo;
    this.wsUrl = `ws://${address}:${port}/ws/chat`;
    this.events.setMaxListeners(0);
    this.ctx = {
      store,
      media,
      log,
      registry: new Registry(),
      connections: new ConnectionLog(),
      events: this.events,
      options: {
        receipts: opts.receipts === undefined ? { deliveredAfterMs: 300, readAfterMs: 800 } : opts.receipts,
        qrRefs: opts.qrRefs ?? 6,
        minVersion: opts.minVersion ? parseClientVersion(opts.minVersion) : null,
        idleTimeoutMs: opts.idleTimeoutMs ?? 0,
      },
    };
    this.pairing = new Pairing(this.ctx);
    this.delivery = new Delivery(this.ctx);
    this.outbound = new Outbound(this.ctx, this.delivery);
    this.contacts = new ContactActivity(this.ctx);
    this.profiles = new ContactProfiles(this.ctx);
    this.groupStore = new Groups(this.ctx, this.delivery);
    this.groupRelay = new GroupRelay(this.ctx, this.groupStore, this.outbound, this.delivery);
    const router = new NodeRouter(
      this.ctx,
      this.pairing,
      this.delivery,
      this.outbound,
      this.contacts,
      this.profiles,
      this.groupStore,
    );
    wss.on('connection', (ws) => new ClientConnection(ws, router, log));
  }

  static async start(opts: SandboxOptions = {}): Promise<WhatsAppSandbox> {
    installSignalConsoleFilter(opts.silenceSignalLogs ?? true);
    const host = opts.host ?? '127.0.0.1';
    const log: SandboxLog = opts.log ?? (() => undefined);
    const store = new SandboxStore(opts.stateFile, log);
    if (!store.tls) {
      store.tls = await generateTls();
      store.markDirty();
    }
    const media = await MediaServer.start(host, store.tls, log);
    const http = createServer((_req, res) => res.writeHead(426).end('WebSocket only'));
    // Well above the first prekey upload (about 41 kB); the framing layer enforces its own frame limit.
    const wss = new WebSocketServer({ server: http, path: '/ws/chat', maxPayload: 4 * 1024 * 1024 });
    wss.on('error', (err) => log('warn', 'websocket server error', { err: err.message }));
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(opts.port ?? 0, host, () => resolve());
    });
    const sandbox = new WhatsAppSandbox(http, wss, store, media, log, opts);
    log('info', 'WhatsApp sandbox listening', { wsUrl: sandbox.wsUrl, mediaHost: media.host });
    return sandbox;
  }

  /** PEM of the self-signed CA behind the media host (stable across restarts with a stateFile). */
  get tlsCa(): string {
    return this.ctx.media.caPem;
  }

  /** Pass as Baileys' `fetchAgent`: media uploads go through node:https with this agent. */
  get httpsAgent(): HttpsAgent {
    return this.ctx.media.httpsAgent;
  }

  /** Pass as `options: { dispatcher }` to the socket and to downloadMediaMessage: downloads use fetch(). */
  get mediaDispatcher(): UndiciAgent {
    return this.ctx.media.dispatcher;
  }

  /** `host:port` of the HTTPS media server. */
  get mediaHost(): string {
    return this.ctx.media.host;
  }

  async stop(): Promise<void> {
    for (const conn of this.ctx.registry.all()) conn.terminate('sandbox stopped');
    for (const client of this.wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
    await this.ctx.media.stop();
    await this.ctx.store.close();
  }

  scanQr(qr: string, opts?: { phone?: string; pushName?: string }): Promise<LinkResult> {
    return this.pairing.scanQr(qr, opts);
  }

  /** The simulated phone enters the code Baileys' requestPairingCode(phone) returned. */
  enterPairingCode(phone: string, code: string, opts?: { pushName?: string }): Promise<LinkResult> {
    return this.pairing.enterPairingCode(phone, code, opts);
  }

  /**
   * A contact sends to the account: queued for every linked companion until that device acknowledges it, and
   * Signal-encrypted to the ones online now; the others get it (marked `offline`) at their next login.
   */
  async contactSend(
    from: string,
    toAccount: string,
    content: ContactContent,
    opts: ContactSendOptions = {},
  ): Promise<{ id: string }> {
    const id = opts.id ?? generateMessageIDV2();
    return this.sendAsContact(from, toAccount, id, await this.buildContent(content, id), {
      pushName: opts.pushName,
      text: 'text' in content ? content.text : undefined,
      addressing: opts.addressing,
      senderPn: opts.senderPn,
    });
  }

  /**
   * A contact changes an earlier message: edits or deletes one it sent, reacts to one (an empty emoji removes
   * its reaction), or votes in a poll the account sent it (the chosen options' names; a new vote replaces the
   * last, none withdraws it), encrypted with the poll's secret as WhatsApp clients do.
   */
  async contactChange(from: string, toAccount: string, change: ContactChange): Promise<{ id: string }> {
    const account = this.requireAccount(toAccount).phone;
    const sentByContact = (id: string) =>
      (this.ctx.store.contact(from).sent ?? []).some((s) => s.id === id && s.toAccount === account);
    let message: proto.IMessage;
    if ('edit' in change) message = editMessage(account, change.edit.id, change.edit.text);
    else if ('revoke' in change) message = revokeMessage(account, change.revoke.id);
    else if ('react' in change)
      message = reactionMessage(account, change.react.id, change.react.emoji, sentByContact(change.react.id));
    else {
      const poll = this.received(from).find((r) => r.id === change.vote.pollId && r.fromAccount === account);
      if (!poll) throw new Error(`${from} has no poll ${change.vote.pollId} from ${account}`);
      message = pollVoteMessage(poll, from, change.vote.options);
    }
    return this.sendAsContact(from, account, generateMessageIDV2(), message, {});
  }

  /**
   * Queued for every linked companion of the account until that device acknowledges it, and Signal-encrypted
   * to the ones online now; the others get it (marked `offline`) at their next login.
   */
  private async sendAsContact(
    from: string,
    toAccount: string,
    id: string,
    message: proto.IMessage,
    opts: { pushName?: string; text?: string; addressing?: 'pn' | 'lid'; senderPn?: boolean },
  ): Promise<{ id: string }> {
    const account = this.requireAccount(toAccount);
    const contact = this.ctx.store.contact(from);
    if (opts.pushName) contact.pushName = opts.pushName;
    // WhatsApp does not deliver what a blocked contact sends.
    if (this.profiles.isBlocked(account, from)) return { id };
    this.contacts.recordSent(contact, {
      id,
      toAccount: account.phone,
      at: Date.now(),
      ...(opts.text !== undefined ? { text: opts.text } : {}),
      receipts: {},
    });
    await this.delivery.toAccount(account, {
      id,
      from,
      fromPhone: false,
      message: Buffer.from(proto.Message.encode(message).finish()),
      t: Date.now(),
      pushName: contact.pushName,
      ...(opts.addressing === 'lid' ? { addressing: 'lid' as const, senderPn: !!opts.senderPn } : {}),
    });
    return { id };
  }

  /** Gives the contact a profile picture (a new one each time), or removes it (`false`). */
  setProfilePicture(contact: string, has: boolean): void {
    this.profiles.setPicture(this.ctx.store.contact(contact), has);
  }

  /** The account's own phone sends a text to a contact: companions get it as a device-sent copy (fromMe). */
  async phoneSend(account: string, toContact: string, text: string): Promise<{ id: string }> {
    const acc = this.requireAccount(account);
    const contact = this.ctx.store.contact(toContact);
    const id = generateMessageIDV2();
    const inner: proto.IMessage = { conversation: text };
    const wrapped: proto.IMessage = {
      deviceSentMessage: { destinationJid: pnJid(toContact), message: inner },
    };
    this.ctx.store.recordReceived(contact, {
      id,
      fromAccount: acc.phone,
      fromDevice: 0,
      kind: 'text',
      text,
      at: Date.now(),
      receipts: {},
      timesReceived: 1,
      proto: { conversation: text },
    });
    await this.delivery.toAccount(acc, {
      id,
      from: acc.phone,
      fromPhone: true,
      message: Buffer.from(proto.Message.encode(wrapped).finish()),
      t: Date.now(),
    });
    return { id };
  }

  /** What a contact received, oldest first. */
  received(contact: string): RecordedMessage[] {
    return [...(this.ctx.store.contacts.get(contact)?.received ?? [])];
  }

  /** Resolves with the first message (already received or arriving) that matches; rejects after timeoutMs. */
  waitForReceived(
    contact: string,
    predicate: (m: RecordedMessage) => boolean = () => true,
    timeoutMs = 10_000,
  ): Promise<RecordedMessage> {
    const existing = this.received(contact).find(predicate);
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve, reject) => {
      const onMessage = (e: { contact: string; message: RecordedMessage }) => {
        if (e.contact !== contact || !predicate(e.message)) return;
        cleanup();
        resolve(e.message);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no matching message for ${contact} within ${timeoutMs} ms`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.events.off('message', onMessage);
      };
      this.events.on('message', onMessage);
    });
  }

  /**
   * What the contact saw of the accounts: the read and delivery receipts for its messages, the chat states
   * sent to it, and its own presence. Unknown contacts have empty lists.
   */
  contactRecord(contact: string): ContactRecord {
    const c = this.ctx.store.contacts.get(contact);
    return {
      phone: contact,
      lid: c ? `${c.lid}@lid` : '',
      sent: (c?.sent ?? []).map((s) => ({ ...s, receipts: { ...s.receipts } })),
      chatStates: [...(c?.chatStates ?? [])],
      presence: c?.presence ? { ...c.presence } : null,
      blockedBy: [...this.ctx.store.accounts.values()]
        .filter((a) => this.profiles.isBlocked(a, contact))
        .map((a) => a.phone),
      hasPicture: !!c?.picture,
    };
  }

  /**
   * The contact shows the account that it is typing, recording or paused, or goes online or offline.
   * As on WhatsApp, only the account's connections that subscribed to the contact's presence get it; answers
   * how many did.
   */
  contactPresence(contact: string, account: string, state: ContactPresence): { delivered: number } {
    const acc = this.requireAccount(account);
    const delivered = this.contacts.contactPresence(this.ctx.store.contact(contact), acc, state);
    return { delivered };
  }

  /**
   * Sets how the account's phone keeps a chat (archived, pinned, muted, name). Devices linked from now on get it
   * in their history bootstrap (app-state sync, which carries later changes to linked devices, is not simulated).
   */
  setPhoneChat(account: string, chatJid: string, settings: PhoneChatSettings): void {
    const acc = this.requireAccount(account);
    acc.phoneChats = { ...acc.phoneChats, [chatJid]: { ...settings } };
    this.ctx.store.markDirty();
  }

  /** The account's online state, from the last `<presence>` its devices sent; null if they never sent one. */
  accountPresence(account: string): PresenceRecord | null {
    const p = this.requireAccount(account).presence;
    return p ? { ...p } : null;
  }

  /** Manual receipts from a contact (use with `receipts: false`). */
  async sendReceipt(contact: string, messageIds: string[], type: 'delivered' | 'read'): Promise<void> {
    const c = this.ctx.store.contact(contact);
    const byAccount = new Map<string, string[]>();
    for (const m of c.received) {
      if (messageIds.includes(m.id))
        byAccount.set(m.fromAccount, [...(byAccount.get(m.fromAccount) ?? []), m.id]);
    }
    for (const [phone, ids] of byAccount) this.outbound.receipt(this.requireAccount(phone), c, ids, type);
  }

  /** Forces the account's connections closed: a dropped TCP connection, or `<stream:error>` (Baileys: 500→reconnect). */
  disconnect(account: string, how: 'drop' | 'stream-error' = 'drop'): void {
    for (const { conn } of this.ctx.registry.connections(account)) {
      if (how === 'drop') conn.terminate();
      else conn.streamError('503');
    }
  }

  /** The phone removes all linked devices: connected ones get stream:error 401 device_removed. */
  unlink(account: string): void {
    const acc = this.requireAccount(account);
    for (const { conn } of this.ctx.registry.connections(account)) {
      conn.streamError('401', { tag: 'conflict', attrs: { type: 'device_removed' } });
    }
    for (const deviceId of acc.companions.keys()) {
      this.events.emit('logout', { phone: account, deviceId, by: 'phone' });
    }
    acc.companions.clear();
    this.ctx.store.markDirty();
  }

  /** Numbers are on WhatsApp by default, except those starting with 999; this overrides either way. */
  setRegistered(phone: string, registered: boolean): void {
    this.ctx.store.registrationOverrides.set(phone, registered);
    this.ctx.store.markDirty();
  }

  /**
   * From now on refuse clients older than `version` at login (405), or none (`null`). Every handshake emits
   * `client-version` `{conn, version, refused}` on `events`.
   */
  setMinVersion(version: string | null): void {
    this.ctx.options.minVersion = version ? parseClientVersion(version) : null;
  }

  get minVersion(): string | null {
    return this.ctx.options.minVersion?.join('.') ?? null;
  }

  /**
   * Every logged-in connection per linked device (opened, closed, why) and every login of a device whose
   * previous connection was still open (`overlaps`; each also emits `overlap` on `events`). In memory only.
   */
  connections(): ConnectionsView {
    return this.ctx.connections.view();
  }

  isConnected(account: string): boolean {
    return this.ctx.registry.connections(account).some(({ conn }) => conn.isOpen);
  }

  accounts(): AccountInfo[] {
    return [...this.ctx.store.accounts.values()].map((a) => ({
      phone: a.phone,
      lid: a.lid,
      pushName: a.pushName,
      devices: [...a.companions.values()].map((c) => ({
        deviceId: c.deviceId,
        deviceJid: pnJid(a.phone, c.deviceId),
        connected: !!this.ctx.registry.get(a.phone, c.deviceId)?.isOpen,
        queued: c.queue.length,
      })),
      privacyTokensIssued: a.privacyTokensIssued ?? 0,
    }));
  }

  /** Per linked device of the account: what it has not acknowledged yet. */
  deviceQueue(account: string): DeviceQueueView[] {
    const acc = this.requireAccount(account);
    return [...acc.companions.values()].map((c) => ({
      deviceId: c.deviceId,
      deviceJid: pnJid(acc.phone, c.deviceId),
      connected: !!this.ctx.registry.get(acc.phone, c.deviceId)?.isOpen,
      stanzas: c.queue.map((s): QueuedStanzaView => {
        if (s.kind === 'receipt')
          return { kind: 'receipt', id: s.id, from: s.from, t: s.t, ids: [...s.ids], type: s.type };
        if (s.kind === 'notification')
          return { kind: 'notification', id: s.id, from: s.node.attrs.from, t: s.t };
        const m = proto.Message.decode(s.message);
        const text =
          m.conversation ?? m.deviceSentMessage?.message?.conversation ?? m.extendedTextMessage?.text;
        return {
          kind: 'message',
          id: s.id,
          from: s.from,
          t: s.t,
          fromPhone: s.fromPhone,
          ...(text != null ? { text } : {}),
        };
      }),
    }));
  }

  /**
   * While on, the sandbox ignores acknowledgements (acks and receipts) from the account's devices, as if they
   * were lost before reaching the server: what they received stays queued and comes again at the next login.
   */
  withholdAcks(account: string, withhold: boolean): void {
    this.requireAccount(account);
    this.delivery.withholdAcks(account, withhold);
  }

  /**
   * While on, the server's acks of the message stanzas the account's devices send are held back (the messages
   * are delivered and receipted as usual), as if the acks were slow on the way; turning it off sends them.
   */
  holdMessageAcks(account: string, hold: boolean): void {
    this.requireAccount(account);
    this.outbound.holdAcks(account, hold);
  }

  /**
   * While on, the message stanzas the account's devices send are lost unread (not recorded, not acknowledged),
   * as a frame still in the sender's buffer when it dies; `droppedMessages` counts them.
   */
  dropMessages(account: string, drop: boolean): void {
    this.requireAccount(account);
    this.outbound.dropMessages(account, drop);
  }

  droppedMessages(account: string): number {
    return this.outbound.dropped(account);
  }

  /** State-file writes so far: count, wall ms, ms serialising on the event loop, last size in bytes. */
  get saveStats(): { saves: number; ms: number; serializeMs: number; bytes: number } {
    return { ...this.ctx.store.saveStats };
  }

  /** Resolves once every change so far is in the state file (at once without a stateFile). */
  persisted(): Promise<void> {
    return this.ctx.store.whenSaved();
  }

  /** Resolves once the contact has at least `count` records, or at the deadline (then with fewer). */
  async waitForCount(contact: string, count: number, timeoutMs = 10_000): Promise<number> {
    const have = () => this.ctx.store.contacts.get(contact)?.received.length ?? 0;
    if (have() >= count) return have();
    await new Promise<void>((resolve) => {
      const onMessage = () => {
        if (have() >= count) done();
      };
      const timer = setTimeout(() => done(), timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.events.off('message', onMessage);
        resolve();
      };
      this.events.on('message', onMessage);
    });
    return have();
  }

  /**
   * A simulated contact creates a group with these members (accounts or contacts); the accounts' devices get
   * the `create` notification. Answers the group and each member's outcome (403 when its privacy refuses).
   */
  createGroup(
    creator: string,
    subject: string,
    members: string[],
  ): { group: SandboxGroup; results: ParticipantResult[] } {
    this.ctx.store.contact(creator);
    const { group, results } = this.groupStore.create(creator, subject, members);
    return { group: structuredClone(group), results };
  }

  /** The group as the server keeps it, or undefined. */
  group(jid: string): SandboxGroup | undefined {
    const g = this.ctx.store.groups.get(jid);
    return g ? structuredClone(g) : undefined;
  }

  /** A member (a contact, an admin for changes) adds, removes, promotes or demotes members. */
  groupParticipants(
    jid: string,
    actor: string,
    action: ParticipantAction,
    phones: string[],
  ): ParticipantResult[] {
    return this.groupStore.participants(jid, actor, action, phones);
  }

  /** A member leaves the group. */
  groupLeave(jid: string, phone: string): void {
    this.groupStore.leave(jid, phone);
  }

  /** A member changes the subject (refused unless an admin when the group info is locked). */
  groupSetSubject(jid: string, actor: string, subject: string): void {
    this.groupStore.setSubject(jid, actor, subject);
  }

  /** A simulated member writes to the group (a text or a file, as contactSend). */
  async groupSend(
    jid: string,
    from: string,
    content: ContactContent,
    opts: { pushName?: string; id?: string } = {},
  ): Promise<{ id: string }> {
    const id = opts.id ?? generateMessageIDV2();
    const message = await this.buildContent(content, id);
    return this.groupRelay.memberSend(jid, from, message, { ...opts, id });
  }

  /** The contact refuses (true) or allows being added to groups (WhatsApp's group privacy setting). */
  setGroupAddPrivacy(phone: string, refuses: boolean): void {
    this.ctx.store.contact(phone).refusesGroupAdd = refuses;
    this.ctx.store.markDirty();
  }

  private requireAccount(phone: string): Account {
    const account = this.ctx.store.accounts.get(phone);
    if (!account) throw new Error(`unknown sandbox account ${phone}`);
    return account;
  }

  /**
   * Makes the media host answer `status` (404 or 410, as WhatsApp does for a file it no longer has) for the
   * file of a contact's message, or serve it again (null). May be called before contactSend with the id it will
   * be given (`opts.id`). Returns whether the message's file is on the host yet.
   */
  refuseMedia(messageId: string, status: 404 | 410 | null): boolean {
    if (status === null) this.refusals.delete(messageId);
    else this.refusals.set(messageId, status);
    const directPath = this.mediaPaths.get(messageId);
    if (!directPath) return false;
    this.ctx.media.refuse(directPath, status);
    return true;
  }

  private async buildContent(content: ContactContent, id: string): Promise<proto.IMessage> {
    if ('text' in content) return { conversation: content.text };
    const { message, directPath } = await buildMediaMessage(this.ctx.media, content);
    this.mediaPaths.set(id, directPath);
    const refused = this.refusals.get(id);
    if (refused) this.ctx.media.refuse(directPath, refused);
    return message;
  }
}
