import { createCipheriv, createDecipheriv, createHash, hkdfSync } from 'node:crypto';
import { Curve, proto } from '@whiskeysockets/baileys';
import { WA_CERT_CHAIN } from './cert-chain';
import { WA_INTRO } from './framing';

const NOISE_MODE = Buffer.from('Noise_XX_25519_AESGCM_SHA256\0\0\0\0');
const EMPTY = Buffer.alloc(0);

export class HandshakeError extends Error {}

function iv(counter: number): Buffer {
  const out = Buffer.alloc(12);
  out.writeUInt32BE(counter, 8);
  return out;
}

function gcmEncrypt(key: Buffer, counter: number, aad: Buffer, plaintext: Buffer): Buffer {
  const cipher = createCipheriv('aes-256-gcm', key, iv(counter));
  cipher.setAAD(aad);
  return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

function gcmDecrypt(key: Buffer, counter: number, aad: Buffer, ciphertext: Buffer): Buffer {
  if (ciphertext.length < 16) throw new HandshakeError('ciphertext too short');
  const decipher = createDecipheriv('aes-256-gcm', key, iv(counter));
  decipher.setAAD(aad);
  decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
  return Buffer.concat([decipher.update(ciphertext.subarray(0, ciphertext.length - 16)), decipher.final()]);
}

function hkdf64(salt: Buffer, ikm: Buffer): [Buffer, Buffer] {
  const out = Buffer.from(hkdfSync('sha256', ikm, salt, EMPTY, 64));
  return [out.subarray(0, 32), out.subarray(32)];
}

/** The transport cipher after the handshake: one key and one counter per direction. */
export class TransportCipher {
  private readCounter = 0;
  private writeCounter = 0;

  constructor(
    private readonly encKey: Buffer,
    private readonly decKey: Buffer,
  ) {}

  encrypt(plaintext: Buffer): Buffer {
    return gcmEncrypt(this.encKey, this.writeCounter++, EMPTY, plaintext);
  }

  decrypt(ciphertext: Buffer): Buffer {
    return gcmDecrypt(this.decKey, this.readCounter++, EMPTY, ciphertext);
  }
}

export interface HandshakeResult {
  /** The client's long-term Noise key (creds.noiseKey.public), pub32. */
  clientStatic: Buffer;
  payload: proto.ClientPayload;
  transport: TransportCipher;
}

/**
 * The responder side of Noise_XX_25519_AESGCM_SHA256 as WhatsApp runs it (WA-PROTOCOL.md section 2).
 * The protocol name is exactly 32 bytes, so it is used as the initial hash without hashing.
 */
export class NoiseResponder {
  private hash: Buffer = NOISE_MODE;
  private salt: Buffer = NOISE_MODE;
  private key: Buffer = NOISE_MODE;
  private counter = 0;
  private ephemeral?: { private: Uint8Array; public: Uint8Array };

  constructor() {
    // The prologue is always the plain WA intro, even when an "ED" routing header preceded it.
    this.mixHash(WA_INTRO);
  }

  /** Consumes the ClientHello frame and returns the ServerHello frame payload. */
  serverHello(frame: Buffer): Buffer {
    const hello = proto.HandshakeMessage.decode(frame).clientHello;
    const clientEphemeral = hello?.ephemeral ? Buffer.from(hello.ephemeral) : undefined;
    if (!clientEphemeral || clientEphemeral.length !== 32) throw new HandshakeError('bad client hello');
    this.mixHash(clientEphemeral);
    this.ephemeral = Curve.generateKeyPair();
    const staticPair = Curve.generateKeyPair();
    this.mixHash(Buffer.from(this.ephemeral.public));
    this.mixKey(Buffer.from(Curve.sharedKey(this.ephemeral.private, clientEphemeral)));
    const encStatic = this.encryptAndHash(Buffer.from(staticPair.public));
    this.mixKey(Buffer.from(Curve.sharedKey(staticPair.private, clientEphemeral)));
    const encPayload = this.encryptAndHash(WA_CERT_CHAIN);
    return Buffer.from(
      proto.HandshakeMessage.encode({
        serverHello: { ephemeral: this.ephemeral.public, static: encStatic, payload: encPayload },
      }).finish(),
    );
  }

  /** Consumes the ClientFinish frame; authenticates the client's static key and returns the transport. */
  clientFinish(frame: Buffer): HandshakeResult {
    if (!this.ephemeral) throw new HandshakeError('client finish before client hello');
    const finish = proto.HandshakeMessage.decode(frame).clientFinish;
    if (!finish?.static || !finish.payload) throw new HandshakeError('bad client finish');
    const clientStatic = this.decryptAndHash(Buffer.from(finish.static));
    if (clientStatic.length !== 32) throw new HandshakeError('bad client static key');
    this.mixKey(Buffer.from(Curve.sharedKey(this.ephemeral.private, clientStatic)));
    const payload = proto.ClientPayload.decode(this.decryptAndHash(Buffer.from(finish.payload)));
    const [clientWrite, clientRead] = hkdf64(this.salt, EMPTY);
    return { clientStatic, payload, transport: new TransportCipher(clientRead, clientWrite) };
  }

  private mixHash(data: Buffer): void {
    this.hash = createHash('sha256').update(this.hash).update(data).digest();
  }

  private mixKey(ikm: Buffer): void {
    [this.salt, this.key] = hkdf64(this.salt, ikm);
    this.counter = 0;
  }

  private encryptAndHash(plaintext: Buffer): Buffer {
    const out = gcmEncrypt(this.key, this.counter++, this.hash, plaintext);
    this.mixHash(out);
    return out;
  }

  private decryptAndHash(ciphertext: Buffer): Buffer {
    let out: Buffer;
    try {
      out = gcmDecrypt(this.key, this.counter++, this.hash, ciphertext);
    } catch (err) {
      throw new HandshakeError(`handshake decryption failed: ${(err as Error).message}`);
    }
    this.mixHash(ciphertext);
    return out;
  }
}
