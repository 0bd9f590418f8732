import { randomInt } from 'node:crypto';
import { unpadRandomMax16, writeRandomPadMax16, type BinaryNode } from '@whiskeysockets/baileys';
import { ProtocolAddress, SessionBuilder, SessionCipher, SessionRecord } from 'libsignal';
import * as curve from 'libsignal/src/curve';

interface KeyPair {
  pubKey: Buffer; // 33 bytes, 0x05 prefix
  privKey: Buffer;
}

/** What a party persists. Buffers are serialised by the store with BufferJSON. */
export interface SignalPartyState {
  registrationId: number;
  identity: KeyPair;
  signedPreKey: { id: number; pair: KeyPair; signature: Buffer };
  preKeys: Record<string, KeyPair>;
  nextPreKeyId: number;
  sessions: Record<string, unknown>;
}

/** A remote device's public bundle, as libsignal's SessionBuilder wants it (keys with the 0x05 prefix). */
export interface DeviceBundle {
  registrationId: number;
  identityKey: Buffer;
  signedPreKey: { keyId: number; publicKey: Buffer; signature: Buffer };
  preKey?: { keyId: number; publicKey: Buffer };
}

export type EncType = 'pkmsg' | 'msg';

/** Unused one-time prekeys kept per party; Baileys fetches bundles more often than it uses them. */
const MAX_SPARE_PREKEYS = 20;

function pair(): KeyPair {
  const kp = curve.generateKeyPair();
  return { pubKey: Buffer.from(kp.pubKey), privKey: Buffer.from(kp.privKey) };
}

export const pub32 = (key: Uint8Array): Buffer => Buffer.from(key.length === 33 ? key.subarray(1) : key);
export const pub33 = (key: Uint8Array): Buffer =>
  key.length === 33 ? Buffer.from(key) : Buffer.concat([Buffer.from([5]), key]);

const be = (n: number, bytes: number): Buffer => {
  const out = Buffer.alloc(bytes);
  out.writeUIntBE(n, 0, bytes);
  return out;
};

/**
 * One simulated Signal device (a contact's phone, or an account's own phone): keys, sessions and the libsignal
 * storage interface. Sessions are keyed by the remote companion's `(phone user, device)` address.
 */
export class SignalParty {
  private constructor(private readonly state: SignalPartyState) {}

  static create(): SignalParty {
    const identity = pair();
    const spk = pair();
    return new SignalParty({
      registrationId: randomInt(1, 16380),
      identity,
      signedPreKey: {
        id: randomInt(1, 0xffffff),
        pair: spk,
        signature: Buffer.from(curve.calculateSignature(identity.privKey, spk.pubKey)),
      },
      preKeys: {},
      nextPreKeyId: randomInt(1, 0x7fffff),
      sessions: {},
    });
  }

  static fromState(state: SignalPartyState): SignalParty {
    return new SignalParty(state);
  }

  toState(): SignalPartyState {
    return this.state;
  }

  get identityPub32(): Buffer {
    return pub32(this.state.identity.pubKey);
  }

  /** The `<user>` block of an `encrypt` key-bundle reply, with a fresh one-time prekey. */
  bundleNode(jid: string): BinaryNode {
    const id = this.state.nextPreKeyId++ & 0xffffff;
    this.state.preKeys[String(id)] = pair();
    const ids = Object.keys(this.state.preKeys);
    for (const stale of ids.slice(0, Math.max(0, ids.length - MAX_SPARE_PREKEYS)))
      delete this.state.preKeys[stale];
    const spk = this.state.signedPreKey;
    return {
      tag: 'user',
      attrs: { jid },
      content: [
        { tag: 'registration', attrs: {}, content: be(this.state.registrationId, 4) },
        { tag: 'type', attrs: {}, content: Buffer.from([5]) },
        { tag: 'identity', attrs: {}, content: this.identityPub32 },
        {
          tag: 'skey',
          attrs: {},
          content: [
            { tag: 'id', attrs: {}, content: be(spk.id, 3) },
            { tag: 'value', attrs: {}, content: pub32(spk.pair.pubKey) },
            { tag: 'signature', attrs: {}, content: spk.signature },
          ],
        },
        {
          tag: 'key',
          attrs: {},
          content: [
            { tag: 'id', attrs: {}, content: be(id, 3) },
            { tag: 'value', attrs: {}, content: pub32(this.state.preKeys[String(id)].pubKey) },
          ],
        },
      ],
    };
  }

  /** Decrypts a pkmsg/msg from a companion and strips the random padding. */
  async decrypt(fromUser: string, fromDevice: number, type: string, ciphertext: Buffer): Promise<Buffer> {
    const cipher = new SessionCipher(this.storage(), new ProtocolAddress(fromUser, fromDevice));
    const padded =
      type === 'pkmsg'
        ? await cipher.decryptPreKeyWhisperMessage(ciphertext)
        : await cipher.decryptWhisperMessage(ciphertext);
    return Buffer.from(unpadRandomMax16(padded));
  }

  hasSession(toUser: string, toDevice: number): boolean {
    const raw = this.state.sessions[new ProtocolAddress(toUser, toDevice).toString()];
    return !!raw && SessionRecord.deserialize(raw as Uint8Array).haveOpenSession();
  }

  /**
   * Pads and encrypts for a companion. Without an open session, `bundle()` supplies the companion's uploaded keys
   * and the result is a pkmsg; with one (for example after the companion wrote first) it is a msg.
   */
  async encrypt(
    toUser: string,
    toDevice: number,
    plaintext: Buffer,
    bundle: () => DeviceBundle,
  ): Promise<{ type: EncType; ciphertext: Buffer }> {
    const address = new ProtocolAddress(toUser, toDevice);
    if (!this.hasSession(toUser, toDevice)) {
      await new SessionBuilder(this.storage(), address).initOutgoing(bundle() as never);
    }
    const padded = Buffer.from(writeRandomPadMax16(plaintext));
    const { type, body } = await new SessionCipher(this.storage(), address).encrypt(padded);
    return { type: type === 3 ? 'pkmsg' : 'msg', ciphertext: Buffer.from(body as unknown as Uint8Array) };
  }

  /** The libsignal storage interface over this party's state. */
  private storage() {
    const state = this.state;
    return {
      loadSession: async (id: string) => {
        const raw = state.sessions[id];
        return raw ? SessionRecord.deserialize(raw as Uint8Array) : undefined;
      },
      storeSession: async (id: string, record: SessionRecord) => {
        state.sessions[id] = record.serialize();
      },
      // The sandbox trusts every identity: it simulates the network, not a careful user.
      isTrustedIdentity: () => true,
      loadPreKey: async (id: number | string) => {
        const kp = state.preKeys[String(id)];
        return kp ? { privKey: kp.privKey, pubKey: kp.pubKey } : undefined;
      },
      removePreKey: (id: number) => {
        delete state.preKeys[String(id)];
      },
      loadSignedPreKey: () => state.signedPreKey.pair,
      getOurRegistrationId: () => state.registrationId,
      getOurIdentity: () => state.identity,
    };
  }
}
