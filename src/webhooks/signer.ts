import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

export const SECRET_PREFIX = 'whsec_';
const SECRET_PATTERN = /^whsec_[A-Za-z0-9+/]{32,}={0,2}$/;

/** A new signing secret: `whsec_` + 32 random bytes in base64 (the Standard Webhooks format). */
export function generateSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64');
}

export function isValidSecret(secret: string): boolean {
  return SECRET_PATTERN.test(secret);
}

export interface SignatureHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/**
 * Standard Webhooks headers for one attempt. With several secrets (during a rotation's grace period) the
 * signature header carries one `v1,<sig>` per secret, space-separated; a receiver accepts any that matches.
 */
export function signatureHeaders(
  msgId: string,
  payload: string,
  secrets: string[],
  now: Date = new Date(),
): SignatureHeaders {
  return {
    'webhook-id': msgId,
    'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
    'webhook-signature': secrets.map((s) => new Webhook(s).sign(msgId, now, payload)).join(' '),
  };
}
