import { createHmac, timingSafeEqual } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { InboundVerification } from './inbound-webhook.entity';

type Headers = Record<string, string | string[] | undefined>;

const header = (headers: Headers, name: string): string | undefined => {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/**
 * Checks the signature of an inbound webhook against INBOUND_WEBHOOK_SECRET, over the exact raw body:
 * - Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`; 5-minute tolerance). A `whsec_`
 *   secret is used as the spec says (base64 key); any other secret is used as the raw key.
 * - GitHub style `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body, keyed with the secret>`.
 * Returns the scheme that matched, or null.
 */
export function verifyInboundSignature(
  rawBody: Buffer,
  headers: Headers,
  secret: string,
): Exclude<InboundVerification, 'api-key'> | null {
  const signature = header(headers, 'webhook-signature');
  if (signature) {
    const id = header(headers, 'webhook-id');
    const timestamp = header(headers, 'webhook-timestamp');
    if (!id || !timestamp) return null;
    try {
      const wh = secret.startsWith('whsec_') ? new Webhook(secret) : new Webhook(secret, { format: 'raw' });
      wh.verify(rawBody, {
        'webhook-id': id,
        'webhook-timestamp': timestamp,
        'webhook-signature': signature,
      });
      return 'standard-webhooks';
    } catch {
      return null;
    }
  }
  const hub = header(headers, 'x-hub-signature-256');
  if (hub) {
    const expected = Buffer.from('sha256=' + createHmac('sha256', secret).update(rawBody).digest('hex'));
    const given = Buffer.from(hub.trim().toLowerCase());
    return given.length === expected.length && timingSafeEqual(given, expected) ? 'hub-signature' : null;
  }
  return null;
}
