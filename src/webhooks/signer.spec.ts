import { Webhook } from 'standardwebhooks';
import { generateSecret, isValidSecret, signatureHeaders } from './signer';

describe('signer', () => {
  it('generates whsec_ secrets that standardwebhooks accepts', () => {
    const secret = generateSecret();
    expect(isValidSecret(secret)).toBe(true);
    expect(generateSecret()).not.toBe(secret);
    expect(() => new Webhook(secret)).not.toThrow();
  });

  it('signs so that standardwebhooks.verify accepts the payload with the same headers', () => {
    const secret = generateSecret();
    const payload = JSON.stringify({ id: 'evt_1', type: 'message.received', data: { text: 'héllo' } });
    const headers = signatureHeaders('evt_1', payload, [secret]);
    expect(new Webhook(secret).verify(payload, { ...headers })).toEqual(JSON.parse(payload));
    expect(() => new Webhook(generateSecret()).verify(payload, { ...headers })).toThrow();
    expect(() => new Webhook(secret).verify(payload + ' ', { ...headers })).toThrow();
  });

  it('during a rotation both the new and the old secret verify', () => {
    const [next, previous] = [generateSecret(), generateSecret()];
    const headers = signatureHeaders('evt_2', '{}', [next, previous]);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(() => new Webhook(next).verify('{}', { ...headers })).not.toThrow();
    expect(() => new Webhook(previous).verify('{}', { ...headers })).not.toThrow();
  });

  it('refuses malformed secrets', () => {
    expect(isValidSecret('whsec_short')).toBe(false);
    expect(isValidSecret('secret-without-prefix-0123456789abcdefghij')).toBe(false);
  });
});
