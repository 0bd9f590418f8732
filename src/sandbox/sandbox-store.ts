import { existsSync, readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { BufferJSON } from '@whiskeysockets/baileys';
import type { RecordedMessage } from './message-record';
import { SignalParty, type SignalPartyState } from './signal-party';
import type { KeyPair32 } from './simulated-phone';
import type { SandboxLog } from './types';

/** A message waiting for an offline companion; encrypted only when delivered, so it survives restarts. */
export interface QueuedMessage {
  id: string;
  /** Sender digits: a contact, or the account itself for a message from its own phone. */
  from: string;
  fromPhone: boolean;
  message: Buffer;
  t: number;
  pushName?: string;
}

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
  offlineQueue: QueuedMessage[];
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
}

/** Anyone an account talks to. Contacts are shared by all accounts; each has one Signal device. */
export interface Contact {
  phone: string;
  lid: string;
  pushName?: string;
  signal: SignalParty;
  received: RecordedMessage[];
}

interface PersistedState {
  version: 1;
  counter: number;
  tls?: { key: string; cert: string };
  registrationOverrides: [string, boolean][];
  accounts: (Omit<Account, 'phoneSignal' | 'companions'> & {
    phoneSignal: SignalPartyState;
    companions: CompanionDevice[];
  })[];
  contacts: (Omit<Contact, 'signal'> & { signal: SignalPartyState })[];
}

const SAVE_DEBOUNCE_MS = 100;

/** All sandbox state, optionally persisted to one JSON file (atomic write: tmp + rename, debounced). */
export class SandboxStore {
  readonly accounts = new Map<string, Account>();
  readonly contacts = new Map<string, Contact>();
  /** Explicit setRegistered() choices; otherwise the default rule applies. */
  readonly registrationOverrides = new Map<string, boolean>();
  tls?: { key: string; cert: string };
  private counter = 0;
  private saveTimer?: NodeJS.Timeout;
  private saving: Promise<void> = Promise.resolve();
  /** After close() late timers (receipts) must not write a stale snapshot over a restarted sandbox's file. */
  private closed = false;

  constructor(
    private readonly file: string | undefined,
    private readonly log: SandboxLog,
  ) {
    if (file && existsSync(file)) this.load(readFileSync(file, 'utf8'));
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

  /** Numbers are on WhatsApp unless setRegistered(false) was called or they start with 999. */
  isRegistered(phone: string): boolean {
    return this.registrationOverrides.get(phone) ?? !phone.startsWith('999');
  }

  markDirty(): void {
    if (!this.file || this.saveTimer || this.closed) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      void this.save();
    }, SAVE_DEBOUNCE_MS);
    this.saveTimer.unref();
  }

  /** Writes any pending change now and waits for it. */
  async flush(): Promise<void> {
    if (this.saveTimer) {
      clearTimeout(this.saveTimer);
      this.saveTimer = undefined;
      await this.save();
    }
    await this.saving;
  }

  /** Writes pending changes and stops persisting. */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
  }

  private save(): Promise<void> {
    const file = this.file;
    if (!file) return Promise.resolve();
    const json = JSON.stringify(this.snapshot(), BufferJSON.replacer);
    this.saving = this.saving
      .then(async () => {
        const tmp = `${file}.${process.pid}.tmp`;
        await writeFile(tmp, json);
        await rename(tmp, file);
      })
      .catch((err: Error) => this.log('error', 'saving sandbox state failed', { file, err: err.message }));
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
        companions: new Map(a.companions.map((c) => [c.deviceId, c])),
      });
    }
    for (const c of state.contacts)
      this.contacts.set(c.phone, { ...c, signal: SignalParty.fromState(c.signal) });
    this.log('info', 'sandbox state restored', {
      accounts: this.accounts.size,
      contacts: this.contacts.size,
    });
  }
}
