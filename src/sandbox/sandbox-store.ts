import { existsSync, readFileSync } from 'node:fs';
import { BufferJSON, type BinaryNode } from '@whiskeysockets/baileys';
import type { RecordedMessage } from './message-record';
import type { SandboxGroup } from './group-model';
import type { SenderKeyState } from './sender-keys';
import { SignalParty, type SignalPartyState } from './signal-party';
import type { KeyPair32 } from './simulated-phone';
import { prepareStateDir, writeFileDurably } from './state-file';
import type { SandboxLog } from './types';

/**
 * A message for a companion that it has not acknowledged yet; encrypted only when (re)sent, so it survives
 * restarts and is encrypted afresh for each delivery.
 */
export interface QueuedMessage {
  kind?: 'message';
  id: string;
  /** Sender digits: a contact, or the account itself for a message from its own phone. */
  from: string;
  fromPhone: boolean;
  message: Buffer;
  t: number;
  pushName?: string;
  /** `peer` for the history bootstrap from the account's own phone. */
  category?: 'peer';
  /**
   * `lid`: the stanza names the contact by LID only (`from=<lid>@lid`, `addressing_mode="lid"`), as WhatsApp
   * increasingly does; with `senderPn` it also carries the phone number (`sender_pn`), the mapping.
   */
  addressing?: 'lid';
  senderPn?: boolean;
  /**
   * A member's group message: the group JID, the `skmsg` encrypted once for everyone, and the sender-key
   * distribution message when this device does not hold the member's key yet (sent in a pkmsg/msg beside it).
   */
  group?: { jid: string; skmsg: Buffer; skdm?: Buffer };
}

/** A `<notification>` (group changes, `w:gp2`) the device has not acknowledged yet; built when queued. */
export interface QueuedNotification {
  kind: 'notification';
  id: string;
  node: BinaryNode;
  t: number;
}

/** A contact's delivery or read receipt for messages the account sent, not yet acknowledged by the device. */
export interface QueuedReceipt {
  kind: 'receipt';
  /** The first message id (the receipt's `id`); `ids` lists them all. */
  id: string;
  /** The contact's digits. */
  from: string;
  ids: string[];
  type: 'delivered' | 'read';
  t: number;
  /** A group member's receipt: the group JID (the contact is then the participant). */
  group?: string;
}

/** A stanza WhatsApp keeps for a device until the device acknowledges it. */
export type QueuedStanza = QueuedMessage | QueuedReceipt | QueuedNotification;

/** A linked companion (a Baileys client), from its registration payload and its prekey uploads. */
export interface CompanionDevice {
  deviceId: number;
  noisePub: Buffer;
  registrationId: number;
  identityPub: Buffer;
  signedPreKey: { id: number; pub: Buffer; sig: Buffer };
  oneTimePreKeys: Record<string, Buffer>;
  keyIndex: number;
  /** Whether the history bootstrap (WA-PROTOCOL.md 7.5) was already sent. */
  bootstrapped: boolean;
  /** Every stanza sent or to be sent to this device and not acknowledged yet, oldest first. */
  queue: QueuedStanza[];
  linkedAt: number;
}

/** A simulated WhatsApp account: the phone (device 0) plus its linked companions. */
export interface Account {
  phone: string;
  lid: string;
  pushName: string;
  accountKey: KeyPair32;
  advRawId: number;
  keyIndexCounter: number;
  nextDeviceId: number;
  phoneSignal: SignalParty;
  companions: Map<number, CompanionDevice>;
  /** `<token>`s of trusted-contact privacy token issuance IQs received from this account's devices. */
  privacyTokensIssued?: number;
  /** The last `<presence type="available|unavailable">` one of its devices sent (its online state). */
  presence?: PresenceRecord;
  /** Contacts (phone digits) the account blocked, through a `blocklist` set iq of one of its devices. */
  blocked?: string[];
  /** How the phone keeps its chats (archived, pinned, muted), by chat JID: a new companion's history has it. */
  phoneChats?: Record<string, PhoneChatSettings>;
}

/** A chat's settings on the account's phone, as WhatsApp's history sync carries them (`Conversation`). */
export interface PhoneChatSettings {
  archived?: boolean;
  /** Pin time (unix seconds); 0 or absent: not pinned. */
  pinned?: number;
  /** Mute end (unix ms); 0 or absent: not muted. */
  muteEndTime?: number;
  name?: string;
}

export type PresenceState = 'available' | 'unavailable';
export interface PresenceRecord {
  state: PresenceState;
  /** Epoch milliseconds of the change (an `unavailable` is the last seen time). */
  at: number;
}

/** A message a contact sent to an account, with the receipts the account's devices sent back for it. */
export interface SentByContact {
  id: string;
  toAccount: string;
  at: number;
  text?: string;
  receipts: { deliveredAt?: number; readAt?: number };
}

export type ChatStateKind = 'typing' | 'recording' | 'paused';

/** A `<chatstate>` an account's device sent to the contact. */
export interface ReceivedChatState {
  fromAccount: string;
  fromDevice: number;
  state: ChatStateKind;
  at: number;
}

/** Anyone an account talks to. Contacts are shared by all accounts; each has one Signal device. */
export interface Contact {
  phone: string;
  lid: string;
  pushName?: string;
  signal: SignalParty;
  received: RecordedMessage[];
  /** What the contact sent to accounts, with the account's receipts (state files may lack it). */
  sent?: SentByContact[];
  /** Chat states the accounts' devices sent it, oldest first (the last CHAT_STATES_KEPT). */
  chatStates?: ReceivedChatState[];
  /** The contact's own online state, as the control API set it (default: unavailable, never seen). */
  presence?: PresenceRecord;
  /** The id of its profile picture; none: WhatsApp answers item-not-found. */
  picture?: string;
  /** Its Signal sender keys (groups): its own per group and the ones members distributed to it. */
  senderKeys?: SenderKeyState;
  /** Refuses to be added to groups (WhatsApp's "who can add me to groups" privacy): adds answer 403. */
  refusesGroupAdd?: boolean;
}

interface PersistedState {
  version: 1;
  counter: number;
  tls?: { key: string; cert: string };
  registrationOverrides: [string, boolean][];
  accounts: (Omit<Account, 'phoneSignal' | 'companions'> & {
    phoneSignal: SignalPartyState;
    /** `offlineQueue`: the name of `queue` in state files written before acknowledgements were tracked. */
    companions: (CompanionDevice & { offlineQueue?: QueuedMessage[] })[];
  })[];
  contacts: (Omit<Contact, 'signal'> & { signal: SignalPartyState })[];
  /** State files written before groups were simulated have none. */
  groups?: SandboxGroup[];
}

/** How long a failed save waits before it is tried again. */
const SAVE_RETRY_MS = 1_000;

/**
 * All sandbox state, optionally persisted to one JSON file. A change is saved in the next event-loop turn
 * (changes of one turn share a save; while a save runs, later changes wait for the next one), written durably
 * (temporary file, fsync, rename, fsync of the directory), so a crash never rolls back a saved change.
 * `whenSaved()` resolves once every change made so far is on disk.
 */
export class SandboxStore {
  readonly accounts = new Map<string, Account>();
  readonly contacts = new Map<string, Contact>();
  /** Explicit setRegistered() choices; otherwise the default rule applies. */
  readonly registrationOverrides = new Map<string, boolean>();
  /** Groups by JID (`<digits>@g.us`). */
  readonly groups = new Map<string, SandboxGroup>();
  tls?: { key: string; cert: string };
  /**
   * Saves so far: their wall time (writes wait for a busy event loop too), the CPU time spent serialising on the
   * event loop, and the size of the last one.
   */
  readonly saveStats = { saves: 0, ms: 0, serializeMs: 0, bytes: 0 };
  private counter = 0;
  /** Changes made so far, and how many of them the file holds. */
  private changes = 0;
  private savedChanges = 0;
  private scheduled = false;
  private saving?: Promise<void>;
  private waiters: { changes: number; resolve: () => void }[] = [];
  /** Per contact: received records by message id (built on first use). */
  private readonly receivedById = new WeakMap<Contact, Map<string, RecordedMessage>>();
  /** After close() late timers (receipts) must not write a stale snapshot over a restarted sandbox's file. */
  private closed = false;

  constructor(
    private readonly file: string | undefined,
    private readonly log: SandboxLog,
  ) {
    if (!file) return;
    const removed = prepareStateDir(file);
    if (removed) log('warn', 'removed temporary state files left by a crash', { file, removed });
    if (existsSync(file)) this.load(readFileSync(file, 'utf8'));
  }

  /** A unique sequence number for phone numbers and LIDs; persisted so restarts never reuse one. */
  nextSequence(): number {
    this.counter += 1;
    this.markDirty();
    return this.counter;
  }

  contact(phone: string): Contact {
    let contact = this.contacts.get(phone);
    if (!contact) {
      contact = {
        phone,
        lid: `2${String(this.nextSequence()).padStart(14, '0')}`,
        signal: SignalParty.create(),
        received: [],
      };
      this.contacts.set(phone, contact);
      this.markDirty();
    }
    return contact;
  }

  /**
   * Records a message the contact received. A message id the contact already has from the same account is not
   * recorded again, as a WhatsApp client ignores a repeated id: the existing record's `timesReceived` grows
   * and it is returned with `duplicate: true`.
   */
  recordReceived(contact: Contact, record: RecordedMessage): { record: RecordedMessage; duplicate: boolean } {
    let byId = this.receivedById.get(contact);
    if (!byId) {
      byId = new Map(contact.received.map((r) => [`${r.fromAccount}/${r.id}`, r]));
      this.receivedById.set(contact, byId);
    }
    const key = `${record.fromAccount}/${record.id}`;
    const existing = byId.get(key);
    if (existing) {
      existing.timesReceived = (existing.timesReceived ?? 1) + 1;
      this.markDirty();
      return { record: existing, duplicate: true };
    }
    contact.received.push(record);
    byId.set(key, record);
    this.markDirty();
    return { record, duplicate: false };
  }

  /** Numbers are on WhatsApp unless setRegistered(false) was called or they start with 999. */
  isRegistered(phone: string): boolean {
    return this.registrationOverrides.get(phone) ?? !phone.startsWith('999');
  }

  markDirty(): void {
    if (!this.file || this.closed) return;
    this.changes += 1;
    this.schedule();
  }

  /** Resolves once every change made so far is in the state file (at once without a file). */
  whenSaved(): Promise<void> {
    if (!this.file || this.closed || this.savedChanges >= this.changes) return Promise.resolve();
    const changes = this.changes;
    return new Promise((resolve) => this.waiters.push({ changes, resolve }));
  }

  /** Writes any pending change now and waits for it. */
  async flush(): Promise<void> {
    if (this.file && !this.closed && this.savedChanges < this.changes && !this.saving) await this.saveLoop();
    await this.whenSaved();
    await this.saving;
  }

  /** Writes pending changes and stops persisting. */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    for (const w of this.waiters.splice(0)) w.resolve();
  }

  private schedule(delayMs = 0): void {
    if (this.scheduled || this.saving) return;
    this.scheduled = true;
    const run = () => {
      this.scheduled = false;
      if (!this.saving) void this.saveLoop();
    };
    if (delayMs) setTimeout(run, delayMs).unref();
    else setImmediate(run);
  }

  /** Saves until the file holds every change; one save at a time. */
  private saveLoop(): Promise<void> {
    const file = this.file!;
    this.saving = (async () => {
      while (this.savedChanges < this.changes && !this.closed) {
        const changes = this.changes;
        const started = performance.now();
        try {
          const json = JSON.stringify(this.snapshot(), BufferJSON.replacer);
          this.saveStats.serializeMs += performance.now() - started;
          await writeFileDurably(file, json);
          this.saveStats.saves += 1;
          this.saveStats.bytes = json.length;
          this.saveStats.ms += performance.now() - started;
        } catch (err) {
          this.log('error', 'saving sandbox state failed', { file, err: (err as Error).message });
          return false;
        }
        this.savedChanges = changes;
        this.waiters = this.waiters.filter((w) => (w.changes <= changes ? (w.resolve(), false) : true));
      }
      return true;
    })().then((ok) => {
      this.saving = undefined;
      if (!ok) this.schedule(SAVE_RETRY_MS);
      else if (this.savedChanges < this.changes) this.schedule();
    });
    return this.saving;
  }
  private snapshot(): PersistedState {
    return {
      version: 1,
      counter: this.counter,
      tls: this.tls,
      registrationOverrides: [...this.registrationOverrides],
      accounts: [...this.accounts.values()].map((a) => ({
        ...a,
        phoneSignal: a.phoneSignal.toState(),
        companions: [...a.companions.values()],
      })),
      contacts: [...this.contacts.values()].map((c) => ({ ...c, signal: c.signal.toState() })),
      groups: [...this.groups.values()],
    };
  }

  private load(text: string): void {
    const state = JSON.parse(text, BufferJSON.reviver) as PersistedState;
    this.counter = state.counter;
    this.tls = state.tls;
    for (const [phone, registered] of state.registrationOverrides)
      this.registrationOverrides.set(phone, registered);
    for (const a of state.accounts) {
      this.accounts.set(a.phone, {
        ...a,
        phoneSignal: SignalParty.fromState(a.phoneSignal),
        companions: new Map(
          a.companions.map(({ offlineQueue, ...c }) => [
            c.deviceId,
            { ...c, queue: c.queue ?? offlineQueue ?? [] },
          ]),
        ),
      });
    }
    for (const c of state.contacts) {
      for (const r of c.received) r.timesReceived ??= 1; // files written before repeats were counted
      this.contacts.set(c.phone, { ...c, signal: SignalParty.fromState(c.signal) });
    }
    for (const g of state.groups ?? []) this.groups.set(g.jid, g);
    this.log('info', 'sandbox state restored', {
      accounts: this.accounts.size,
      contacts: this.contacts.size,
    });
  }
}
