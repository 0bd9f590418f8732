import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { generateSecret } from '../signer';
import { verifyInboundSignature } from './inbound-signature';

describe('inbound webhook signature', () => {
  const body = Buffer.from(
    JSON.stringify({ from: '6281234567890', message: 'Hello API', timestamp: 1623456789 }),
  );

  function standardHeaders(secret: string, payload: Buffer, at = new Date()) {
    const wh = secret.startsWith('whsec_') ? new Webhook(secret) : new Webhook(secret, { format: 'raw' });
    return {
      'webhook-id': 'msg_1',
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': wh.sign('msg_1', at, payload),
    };
  }

  it('accepts a Standard Webhooks signature made with a whsec_ secret or a plain secret', () => {
    const whsec = generateSecret();
    expect(verifyInboundSignature(body, standardHeaders(whsec, body), whsec)).toBe('standard-webhooks');
    const plain = 'a-plain-shared-secret-0123';
    expect(verifyInboundSignature(body, standardHeaders(plain, body), plain)).toBe('standard-webhooks');
  });

  it('refuses a wrong secret, a changed body, and a stale timestamp', () => {
    const secret = generateSecret();
    expect(verifyInboundSignature(body, standardHeaders(generateSecret(), body), secret)).toBeNull();
    const headers = standardHeaders(secret, body);
    expect(verifyInboundSignature(Buffer.concat([body, Buffer.from(' ')]), headers, secret)).toBeNull();
    const old = standardHeaders(secret, body, new Date(Date.now() - 10 * 60_000));
    expect(verifyInboundSignature(body, old, secret)).toBeNull();
  });

  it('accepts X-Hub-Signature-256 over the raw body and refuses a wrong one', () => {
    const secret = 'a-plain-shared-secret-0123';
    const good = 'sha256=' + createHmac('sha256', secret).update(body).digest('hex');
    expect(verifyInboundSignature(body, { 'x-hub-signature-256': good }, secret)).toBe('hub-signature');
    const bad = good.slice(0, -1) + (good.endsWith('0') ? '1' : '0');
    expect(verifyInboundSignature(body, { 'x-hub-signature-256': bad }, secret)).toBeNull();
    expect(verifyInboundSignature(body, { 'x-hub-signature-256': 'sha256=zz' }, secret)).toBeNull();
  });

  it('refuses a request without any signature', () => {
    expect(verifyInboundSignature(body, {}, 'a-plain-shared-secret-0123')).toBeNull();
  });
});
