import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { DataKey } from './data-keys';

/** Every encrypted value starts with this; anything else is a value written before encryption was on. */
export const ENCRYPTED_PREFIX = 'enc:v1:';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
/** Nonces are drawn from the CSPRNG this many at a time: one call per value cost more than the encryption. */
const NONCES_PER_DRAW = 256;

let nonces = Buffer.alloc(0);
let nonceOffset = 0;

/** A fresh random 96-bit nonce (a slice of a block of random bytes, never handed out twice). */
function randomNonce(): Buffer {
  if (nonceOffset >= nonces.length) {
    nonces = randomBytes(NONCE_BYTES * NONCES_PER_DRAW);
    nonceOffset = 0;
  }
  const nonce = nonces.subarray(nonceOffset, nonceOffset + NONCE_BYTES);
  nonceOffset += NONCE_BYTES;
  return nonce;
}

/** A value names a key id that none of the configured keys has. */
export class DataKeyMissingError extends Error {
  constructor(readonly keyId: string) {
    super(
      `a stored secret is encrypted with data key "${keyId}", which is neither DATA_ENCRYPTION_KEY nor in ` +
        'DATA_ENCRYPTION_OLD_KEYS',
    );
  }
}

/** The key with the value's id does not open it: a different key under the same id, or an altered value. */
export class DataDecryptionError extends Error {
  constructor(readonly keyId: string) {
    super(
      `a stored secret does not decrypt with data key "${keyId}": the key configured under that id is not the ` +
        'one that encrypted it (or the value was altered or copied from another row)',
    );
  }
}

/**
 * Where a value belongs (table, column, row key). It is the associated data of the encryption: a value copied to
 * another row or column no longer decrypts.
 */
export function secretContext(table: string, column: string, ...rowKey: string[]): string {
  return JSON.stringify([table, column, ...rowKey]);
}

/**
 * Encrypts secrets at rest with AES-256-GCM. A stored value is `enc:v1:<key id>:<base64 of nonce | ciphertext |
 * tag>`, with a random 96-bit nonce; the associated data is the value's header and its context (see
 * `secretContext`). `seal` encrypts with the current key (or returns the text as it is when no key is set);
 * `open` decrypts with whichever configured key the value names, and returns values without the prefix as they
 * are (written before a key was set).
 */
export class FieldCipher {
  private readonly keys = new Map<string, DataKey>();
  private readonly currentHeader: string | null;

  constructor(
    private readonly current: DataKey | null,
    old: DataKey[] = [],
  ) {
    for (const k of old) this.keys.set(k.id, k);
    if (current) this.keys.set(current.id, current);
    this.currentHeader = current ? `${ENCRYPTED_PREFIX}${current.id}:` : null;
  }

  /** No key at all: values are stored (and read) as plain text. */
  static plaintext(): FieldCipher {
    return new FieldCipher(null);
  }

  get encrypting(): boolean {
    return this.current !== null;
  }

  get currentKeyId(): string | null {
    return this.current?.id ?? null;
  }

  knows(keyId: string): boolean {
    return this.keys.has(keyId);
  }

  seal(plain: string, context: string): string {
    if (!this.current) return plain;
    const header = this.currentHeader!;
    const nonce = randomNonce();
    const cipher = createCipheriv('aes-256-gcm', this.current.key, nonce);
    cipher.setAAD(Buffer.from(header + context, 'utf8'));
    const body = cipher.update(plain, 'utf8');
    const final = cipher.final();
    return header + Buffer.concat([nonce, body, final, cipher.getAuthTag()]).toString('base64');
  }

  open(stored: string, context: string): string {
    if (!stored.startsWith(ENCRYPTED_PREFIX)) return stored;
    const end = stored.indexOf(':', ENCRYPTED_PREFIX.length);
    const keyId = stored.slice(ENCRYPTED_PREFIX.length, end < 0 ? undefined : end);
    const key = this.keys.get(keyId);
    if (!key) throw new DataKeyMissingError(keyId);
    const raw = Buffer.from(stored.slice(end + 1), 'base64');
    if (end < 0 || raw.length < NONCE_BYTES + TAG_BYTES) throw new DataDecryptionError(keyId);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key.key, raw.subarray(0, NONCE_BYTES));
      decipher.setAAD(Buffer.from(stored.slice(0, end + 1) + context, 'utf8'));
      decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
      const body = decipher.update(raw.subarray(NONCE_BYTES, raw.length - TAG_BYTES));
      return Buffer.concat([body, decipher.final()]).toString('utf8');
    } catch {
      throw new DataDecryptionError(keyId);
    }
  }

  /** The id of the key a stored value is encrypted with; null for a plain value. */
  static keyIdOf(stored: string): string | null {
    if (!stored.startsWith(ENCRYPTED_PREFIX)) return null;
    const end = stored.indexOf(':', ENCRYPTED_PREFIX.length);
    return stored.slice(ENCRYPTED_PREFIX.length, end < 0 ? undefined : end);
  }

  /** Whether `seal` would store this value differently (plain under a key, or another key's value). */
  isCurrent(stored: string): boolean {
    return FieldCipher.keyIdOf(stored) === this.currentKeyId;
  }
}
