import { createHmac, randomBytes } from 'node:crypto';
import {
  aesDecryptCTR,
  aesDecryptGCM,
  aesEncryptCTR,
  Curve,
  derivePairingCodeKey,
  hkdf,
  proto,
  type BinaryNode,
} from '@whiskeysockets/baileys';

const ACCOUNT_SIG_PREFIX = Buffer.from([6, 0]);
const DEVICE_SIG_PREFIX = Buffer.from([6, 1]);

export interface KeyPair32 {
  public: Buffer;
  private: Buffer;
}

export interface ParsedQr {
  ref: string;
  noisePub: Buffer;
  identityPub: Buffer;
  advSecret: Buffer;
  platform?: string;
}

export class PairingError extends Error {}

/** Parses `https://wa.me/settings/linked_devices#REF,NOISE,IDENTITY,ADV,PLATFORM` (prefix and platform optional). */
export function parseQr(qr: string): ParsedQr {
  const body = qr.includes('#') ? qr.slice(qr.indexOf('#') + 1) : qr;
  const parts = body.split(',');
  if (parts.length < 4) throw new PairingError('not a WhatsApp linking QR');
  const [ref, noise, identity, adv, platform] = parts;
  const parsed = {
    ref,
    noisePub: Buffer.from(noise, 'base64'),
    identityPub: Buffer.from(identity, 'base64'),
    advSecret: Buffer.from(adv, 'base64'),
    platform,
  };
  if (parsed.noisePub.length !== 32 || parsed.identityPub.length !== 32 || parsed.advSecret.length !== 32) {
    throw new PairingError('QR keys have the wrong length');
  }
  return parsed;
}

export interface PairSuccessInput {
  accountKey: KeyPair32;
  advRawId: number;
  keyIndex: number;
  companionIdentity: Buffer;
  advSecret: Buffer;
  deviceJid: string;
  deviceLid: string;
  businessName: string;
}

/** Builds the phone's `<pair-success>` (WA-PROTOCOL.md 7.1): ADV device identity, account signature and HMAC. */
export function buildPairSuccess(input: PairSuccessInput): { node: BinaryNode; deviceDetails: Buffer } {
  const deviceDetails = Buffer.from(
    proto.ADVDeviceIdentity.encode({
      rawId: input.advRawId,
      timestamp: Math.floor(Date.now() / 1000),
      keyIndex: input.keyIndex,
      accountType: proto.ADVEncryptionType.E2EE,
      deviceType: proto.ADVEncryptionType.E2EE,
    }).finish(),
  );
  const accountSignature = Buffer.from(
    Curve.sign(
      input.accountKey.private,
      Buffer.concat([ACCOUNT_SIG_PREFIX, deviceDetails, input.companionIdentity]),
    ),
  );
  const signed = Buffer.from(
    proto.ADVSignedDeviceIdentity.encode({
      details: deviceDetails,
      accountSignatureKey: input.accountKey.public,
      accountSignature,
    }).finish(),
  );
  const hmac = createHmac('sha256', input.advSecret).update(signed).digest();
  const deviceIdentity = proto.ADVSignedDeviceIdentityHMAC.encode({ details: signed, hmac }).finish();
  const node: BinaryNode = {
    tag: 'pair-success',
    attrs: {},
    content: [
      { tag: 'device-identity', attrs: {}, content: Buffer.from(deviceIdentity) },
      { tag: 'platform', attrs: { name: 'android' } },
      { tag: 'device', attrs: { jid: input.deviceJid, lid: input.deviceLid } },
      { tag: 'biz', attrs: { name: input.businessName } },
    ],
  };
  return { node, deviceDetails };
}

/** Checks the companion's `<pair-device-sign>` reply: it proves the companion holds its identity key. */
export function verifyPairDeviceSign(
  reply: BinaryNode,
  deviceDetails: Buffer,
  companionIdentity: Buffer,
  accountPub: Buffer,
): boolean {
  const sign = Array.isArray(reply.content)
    ? reply.content.find((c) => c.tag === 'pair-device-sign')
    : undefined;
  const identityNode = Array.isArray(sign?.content)
    ? sign.content.find((c) => c.tag === 'device-identity')
    : undefined;
  if (!identityNode || !(identityNode.content instanceof Uint8Array)) return false;
  const signed = proto.ADVSignedDeviceIdentity.decode(identityNode.content);
  if (!signed.details || !signed.deviceSignature) return false;
  if (!Buffer.from(signed.details).equals(deviceDetails)) return false;
  const message = Buffer.concat([DEVICE_SIG_PREFIX, deviceDetails, companionIdentity, accountPub]);
  return Curve.verify(companionIdentity, message, Buffer.from(signed.deviceSignature));
}

/** The signed key-index list of a usync device reply (Baileys does not verify it; it is built for realism). */
export function buildKeyIndexList(
  accountKey: KeyPair32,
  advRawId: number,
  currentIndex: number,
  validIndexes: number[],
): Buffer {
  const details = Buffer.from(
    proto.ADVKeyIndexList.encode({
      rawId: advRawId,
      timestamp: Math.floor(Date.now() / 1000),
      currentIndex,
      validIndexes,
    }).finish(),
  );
  const accountSignature = Buffer.from(Curve.sign(accountKey.private, details));
  return Buffer.from(proto.ADVSignedKeyIndexList.encode({ details, accountSignature }).finish());
}

/**
 * The phone side of pairing-code login. The companion wrapped its ephemeral key with a key derived from the
 * 8-character code (PBKDF2); the phone unwraps it with the code the user typed, answers with its own wrapped
 * ephemeral, and later opens the companion's key bundle to derive the same ADV secret the companion derives.
 */
export class PairingCodeExchange {
  readonly ephemeral: KeyPair32;
  private companionEphemeral?: Buffer;

  constructor(
    private readonly code: string,
    private readonly primaryIdentity: KeyPair32,
  ) {
    const kp = Curve.generateKeyPair();
    this.ephemeral = { public: Buffer.from(kp.public), private: Buffer.from(kp.private) };
  }

  /** Unwraps the companion's `link_code_pairing_wrapped_companion_ephemeral_pub` (salt 32 || iv 16 || ctr 32). */
  async unwrapCompanionEphemeral(wrapped: Buffer): Promise<void> {
    if (wrapped.length !== 80) throw new PairingError('bad wrapped companion key');
    const key = await derivePairingCodeKey(this.code, wrapped.subarray(0, 32));
    this.companionEphemeral = Buffer.from(
      aesDecryptCTR(wrapped.subarray(48, 80), key, wrapped.subarray(32, 48)),
    );
  }

  /** The phone's own ephemeral, wrapped the same way, for `link_code_pairing_wrapped_primary_ephemeral_pub`. */
  async wrapPrimaryEphemeral(): Promise<Buffer> {
    const salt = randomBytes(32);
    const iv = randomBytes(16);
    const key = await derivePairingCodeKey(this.code, salt);
    return Buffer.concat([salt, iv, aesEncryptCTR(this.ephemeral.public, key, iv)]);
  }

  /**
   * Opens the companion's `link_code_pairing_wrapped_key_bundle` (salt 32 || iv 12 || gcm) and returns the
   * companion identity and the ADV secret. A wrong code shows up here as a failed GCM tag.
   */
  openKeyBundle(bundle: Buffer): { companionIdentity: Buffer; advSecret: Buffer } {
    if (!this.companionEphemeral) throw new PairingError('companion ephemeral not unwrapped');
    const shared = Buffer.from(Curve.sharedKey(this.ephemeral.private, this.companionEphemeral));
    const key = hkdf(shared, 32, {
      salt: bundle.subarray(0, 32),
      info: 'link_code_pairing_key_bundle_encryption_key',
    });
    let plain: Buffer;
    try {
      plain = Buffer.from(aesDecryptGCM(bundle.subarray(44), key, bundle.subarray(32, 44), Buffer.alloc(0)));
    } catch {
      throw new PairingError('pairing code does not match');
    }
    const companionIdentity = plain.subarray(0, 32);
    if (!plain.subarray(32, 64).equals(this.primaryIdentity.public)) {
      throw new PairingError('key bundle names another phone');
    }
    const random = plain.subarray(64, 96);
    const identityShared = Buffer.from(Curve.sharedKey(this.primaryIdentity.private, companionIdentity));
    const advSecret = Buffer.from(
      hkdf(Buffer.concat([shared, identityShared, random]), 32, { info: 'adv_secret' }),
    );
    return { companionIdentity: Buffer.from(companionIdentity), advSecret };
  }
}
