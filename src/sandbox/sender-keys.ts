import { BufferJSON, unpadRandomMax16, writeRandomPadMax16 } from '@whiskeysockets/baileys';
import {
  GroupCipher,
  GroupSessionBuilder,
  SenderKeyDistributionMessage,
  SenderKeyName,
  SenderKeyRecord,
} from '@whiskeysockets/baileys/lib/Signal/Group/index.js';
import { ProtocolAddress } from 'libsignal';

/** Sender-key records by SenderKeyName string, serialised as JSON (BufferJSON, so skipped message keys revive as Buffers). */
export type SenderKeyState = Record<string, string>;

/** A Signal device address: the user's digits and the device (0: a phone). */
export interface SenderAddress {
  user: string;
  device: number;
}

/**
 * One simulated device's Signal sender keys (group messaging), with the group cipher Baileys itself uses
 * (`Signal/Group`, a port of libsignal's): its own key per group, and the keys other members distributed to it.
 * A sender key is named by the group JID and the sender's address, as in Baileys (`jidToSignalSenderKeyName`).
 */
export class SenderKeys {
  constructor(private readonly state: SenderKeyState) {}

  /**
   * Encrypts a group message with the sender's own key for the group (created on first use) and returns the
   * `skmsg` ciphertext with the distribution message that lets a member decrypt it (taken before the encryption,
   * so it holds the chain at or before the message's iteration).
   */
  async encrypt(
    group: string,
    self: SenderAddress,
    plaintext: Uint8Array,
  ): Promise<{ skmsg: Buffer; skdm: Buffer }> {
    const name = keyName(group, self);
    const skdm = await new GroupSessionBuilder(this.store()).create(name);
    const skmsg = await new GroupCipher(this.store(), name).encrypt(writeRandomPadMax16(plaintext));
    return { skmsg: Buffer.from(skmsg), skdm: Buffer.from(skdm.serialize()) };
  }

  /** A member's distribution message (from a `pkmsg`/`msg`): its key for the group is now known here. */
  async process(group: string, author: SenderAddress, skdm: Uint8Array): Promise<void> {
    const message = new SenderKeyDistributionMessage(null, null, null, null, skdm);
    await new GroupSessionBuilder(this.store()).process(keyName(group, author), message);
  }

  /** Decrypts a member's `skmsg`; throws without that member's key (never distributed to this device). */
  async decrypt(group: string, author: SenderAddress, skmsg: Uint8Array): Promise<Buffer> {
    const padded = await new GroupCipher(this.store(), keyName(group, author)).decrypt(skmsg);
    return Buffer.from(unpadRandomMax16(padded));
  }

  has(group: string, author: SenderAddress): boolean {
    return keyName(group, author).toString() in this.state;
  }

  /** Forgets the own key for the group: the next message starts a new one, distributed afresh. */
  rotate(group: string, self: SenderAddress): void {
    delete this.state[keyName(group, self).toString()];
  }

  private store() {
    const state = this.state;
    return {
      loadSenderKey: async (name: SenderKeyName) => {
        const raw = state[name.toString()];
        return raw ? SenderKeyRecord.deserialize(Buffer.from(raw, 'utf8')) : new SenderKeyRecord();
      },
      storeSenderKey: async (name: SenderKeyName, record: SenderKeyRecord) => {
        state[name.toString()] = JSON.stringify(record.serialize(), BufferJSON.replacer);
      },
    };
  }
}

const keyName = (group: string, sender: SenderAddress): SenderKeyName =>
  new SenderKeyName(group, new ProtocolAddress(sender.user, sender.device));
