import { randomBytes } from 'node:crypto';
import { parseDataKey } from './data-keys';
import { DataDecryptionError, DataKeyMissingError, FieldCipher, secretContext } from './field-cipher';

const key = (id: string) => parseDataKey(`${id}:${randomBytes(32).toString('base64')}`);

describe('FieldCipher', () => {
  const k1 = key('k1');
  const k2 = key('k2');
  const ctx = secretContext('auth_keys', 'value', 's', 'session', 'a@lid');

  it('encrypts with the current key: versioned, key id in the clear, random nonce, no plaintext', () => {
    const cipher = new FieldCipher(k1);
    const a = cipher.seal('{"private":"SECRET"}', ctx);
    const b = cipher.seal('{"private":"SECRET"}', ctx);
    expect(a).toMatch(/^enc:v1:k1:[A-Za-z0-9+/]+=*$/);
    expect(a).not.toBe(b);
    expect(Buffer.from(a.slice('enc:v1:k1:'.length), 'base64').toString('latin1')).not.toContain('SECRET');
    expect(cipher.open(a, ctx)).toBe('{"private":"SECRET"}');
    expect(FieldCipher.keyIdOf(a)).toBe('k1');
    expect(cipher.isCurrent(a)).toBe(true);
  });

  it('reads plain values as they are, and writes plain text without a key', () => {
    expect(new FieldCipher(k1).open('{"a":1}', ctx)).toBe('{"a":1}');
    expect(new FieldCipher(k1).isCurrent('{"a":1}')).toBe(false);
    const none = FieldCipher.plaintext();
    expect(none.encrypting).toBe(false);
    expect(none.seal('whsec_x', ctx)).toBe('whsec_x');
    expect(none.isCurrent('whsec_x')).toBe(true);
  });

  it('opens values of old keys, and says which key is missing', () => {
    const old = new FieldCipher(k1).seal('v', ctx);
    const rotated = new FieldCipher(k2, [k1]);
    expect(rotated.open(old, ctx)).toBe('v');
    expect(rotated.isCurrent(old)).toBe(false);
    expect(() => new FieldCipher(k2).open(old, ctx)).toThrow(DataKeyMissingError);
    expect(() => FieldCipher.plaintext().open(old, ctx)).toThrow(/"k1"/);
  });

  it('refuses a wrong key under the right id, a value moved to another row, and an altered value', () => {
    const sealed = new FieldCipher(k1).seal('v', ctx);
    expect(() => new FieldCipher(key('k1')).open(sealed, ctx)).toThrow(DataDecryptionError);
    const cipher = new FieldCipher(k1);
    expect(() => cipher.open(sealed, secretContext('auth_keys', 'value', 's', 'session', 'b@lid'))).toThrow(
      DataDecryptionError,
    );
    const body = Buffer.from(sealed.slice('enc:v1:k1:'.length), 'base64');
    body[body.length - 1] ^= 1;
    expect(() => cipher.open(`enc:v1:k1:${body.toString('base64')}`, ctx)).toThrow(DataDecryptionError);
    expect(() => cipher.open('enc:v1:k1:', ctx)).toThrow(DataDecryptionError);
  });
});
