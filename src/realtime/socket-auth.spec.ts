import { handshakeKey, refusal } from './socket-auth';

describe('socket auth', () => {
  const keys = { disabled: false, matches: (k: string | undefined) => k === 'right-key-right-key' };

  it('reads auth.token first, then the REST headers', () => {
    expect(handshakeKey({ auth: { token: 'a' }, headers: { 'x-api-key': 'b' } })).toBe('a');
    expect(handshakeKey({ auth: {}, headers: { 'x-api-key': 'b' } })).toBe('b');
    expect(handshakeKey({ headers: { authorization: 'Bearer c' } })).toBe('c');
    expect(handshakeKey({ auth: { token: 42 }, headers: {} })).toBeUndefined();
  });

  it('refuses a missing or wrong key and accepts the right one', () => {
    expect(refusal({ headers: {} }, keys)).toMatchObject({
      error: 'Unauthorized',
      details: /Missing API key/,
    });
    expect(refusal({ auth: { token: 'wrong' }, headers: {} }, keys)).toEqual({
      error: 'Unauthorized',
      details: 'Invalid API key',
    });
    expect(refusal({ auth: { token: 'right-key-right-key' }, headers: {} }, keys)).toBeNull();
  });

  it('accepts anyone when auth is disabled', () => {
    expect(refusal({ headers: {} }, { ...keys, disabled: true })).toBeNull();
  });
});
