import { randomBytes } from 'node:crypto';
import { ConfigError, loadConfig } from '../config/load-config';
import { DataKeyError, parseDataKey, parseDataKeys } from './data-keys';

describe('parseDataKey', () => {
  const bytes = randomBytes(32);

  it('reads 32 bytes as hex, base64 and base64url, with or without an id', () => {
    for (const material of [
      bytes.toString('hex'),
      bytes.toString('base64'),
      bytes.toString('base64url'),
      bytes.toString('base64').replace(/=$/, ''),
    ]) {
      const withId = parseDataKey(`k2:${material}`);
      expect(withId.id).toBe('k2');
      expect(withId.key.export().equals(bytes)).toBe(true);
      const derived = parseDataKey(material);
      expect(derived.id).toMatch(/^k[0-9a-f]{8}$/);
      expect(derived.key.export().equals(bytes)).toBe(true);
    }
    expect(parseDataKey(bytes.toString('hex')).id).toBe(parseDataKey(bytes.toString('base64')).id);
  });

  it('refuses other lengths and bad ids without quoting the key', () => {
    const short = randomBytes(16).toString('base64');
    expect(() => parseDataKey(short)).toThrow(DataKeyError);
    expect(() => parseDataKey(randomBytes(31).toString('hex'))).toThrow(DataKeyError);
    expect(() => parseDataKey(`bad id:${bytes.toString('hex')}`)).toThrow(/key id/);
    try {
      parseDataKey(`k1:${short}`);
    } catch (err) {
      expect((err as Error).message).not.toContain(short);
    }
  });
});

describe('parseDataKeys', () => {
  const a = randomBytes(32).toString('base64');
  const b = randomBytes(32).toString('base64');

  it('reads the current key and a comma-separated list of old ones', () => {
    const keys = parseDataKeys(`k2:${b}`, ` k1:${a} , k0:${randomBytes(32).toString('hex')}`);
    expect(keys.current?.id).toBe('k2');
    expect(keys.old.map((k) => k.id)).toEqual(['k1', 'k0']);
    expect(parseDataKeys(undefined, '')).toEqual({ current: null, old: [] });
  });

  it('refuses two different keys under one id, and names the variable at fault', () => {
    expect(() => parseDataKeys(`k1:${a}`, `k1:${b}`)).toThrow(/id "k1"/);
    expect(parseDataKeys(`k1:${a}`, `k1:${a}`).old).toEqual([]);
    expect(() => parseDataKeys(`k1:${a}`, `k0:nope`)).toThrow(/DATA_ENCRYPTION_OLD_KEYS \(key 1\)/);
    expect(() => parseDataKeys('nope', '')).toThrow(/DATA_ENCRYPTION_KEY/);
  });
});

describe('DATA_ENCRYPTION_KEY in the configuration', () => {
  const key = randomBytes(32).toString('base64');

  it('accepts valid keys and refuses bad ones with a message naming the variable', () => {
    expect(loadConfig({ DATA_ENCRYPTION_KEY: `k1:${key}` }, '/nonexistent').DATA_ENCRYPTION_KEY).toBe(
      `k1:${key}`,
    );
    expect(() => loadConfig({ DATA_ENCRYPTION_KEY: 'k1:short' }, '/nonexistent')).toThrow(ConfigError);
    expect(() =>
      loadConfig(
        {
          DATA_ENCRYPTION_KEY: `k1:${key}`,
          DATA_ENCRYPTION_OLD_KEYS: `k1:${randomBytes(32).toString('hex')}`,
        },
        '/nonexistent',
      ),
    ).toThrow(/DATA_ENCRYPTION|id "k1"/);
  });
});
