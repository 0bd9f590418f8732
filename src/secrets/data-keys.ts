import { createHash, createSecretKey, type KeyObject } from 'node:crypto';

/** A key that encrypts secrets at rest, and the id stored beside every value it encrypted. */
export interface DataKey {
  id: string;
  key: KeyObject;
}

export class DataKeyError extends Error {}

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const HEX = /^[0-9a-fA-F]{64}$/;
const BASE64 = /^[A-Za-z0-9+/_-]{43}=?$/;

/** One key's text form, for validation messages and `.env.example`. */
export const DATA_KEY_FORMAT =
  '[<id>:]<32 bytes as 64 hex digits or 44 base64 characters>, e.g. k1:<output of "openssl rand -base64 32">';

/**
 * Reads one key: `<id>:<material>` or `<material>`, the material being 32 bytes as 64 hex digits or as base64
 * (standard or URL-safe, padding optional). Without an id, the id is `k` + the first 8 hex digits of the key's
 * SHA-256, so the same key always gets the same id. Never quotes the key in an error.
 */
export function parseDataKey(text: string): DataKey {
  const trimmed = text.trim();
  const colon = trimmed.indexOf(':');
  const material = colon < 0 ? trimmed : trimmed.slice(colon + 1);
  const givenId = colon < 0 ? null : trimmed.slice(0, colon);
  if (givenId !== null && !KEY_ID.test(givenId)) {
    throw new DataKeyError('a key id must be 1-32 letters, digits, "-" or "_"');
  }
  let bytes: Buffer;
  if (HEX.test(material)) bytes = Buffer.from(material, 'hex');
  else if (BASE64.test(material))
    bytes = Buffer.from(material.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  else throw new DataKeyError(`a key must be ${DATA_KEY_FORMAT}`);
  if (bytes.length !== 32) throw new DataKeyError(`a key must be ${DATA_KEY_FORMAT}`);
  const id = givenId ?? `k${createHash('sha256').update(bytes).digest('hex').slice(0, 8)}`;
  return { id, key: createSecretKey(bytes) };
}

/**
 * The current key (may be empty: secrets are then written unencrypted) and the older ones (comma-separated),
 * which still decrypt what they encrypted. Two different keys under one id are refused: a value names its key
 * by id only.
 */
export function parseDataKeys(
  current: string | undefined,
  old: string | undefined,
): {
  current: DataKey | null;
  old: DataKey[];
} {
  const where = (name: string, err: unknown) =>
    new DataKeyError(`${name}: ${err instanceof Error ? err.message : String(err)}`);
  let currentKey: DataKey | null = null;
  if (current && current.trim()) {
    try {
      currentKey = parseDataKey(current);
    } catch (err) {
      throw where('DATA_ENCRYPTION_KEY', err);
    }
  }
  const oldKeys: DataKey[] = [];
  for (const [i, part] of (old ?? '').split(',').entries()) {
    if (!part.trim()) continue;
    try {
      oldKeys.push(parseDataKey(part));
    } catch (err) {
      throw where(`DATA_ENCRYPTION_OLD_KEYS (key ${i + 1})`, err);
    }
  }
  const seen = new Map<string, KeyObject>();
  for (const k of [...(currentKey ? [currentKey] : []), ...oldKeys]) {
    const other = seen.get(k.id);
    if (other && !other.equals(k.key)) {
      throw new DataKeyError(`two different keys have the id "${k.id}": give each key its own id`);
    }
    seen.set(k.id, k.key);
  }
  return { current: currentKey, old: oldKeys.filter((k) => k.id !== currentKey?.id) };
}
