import { randomBytes } from 'node:crypto';

/** Public message ids: `msg_` + time (base36) + randomness; sortable by creation and unguessable. */
export function newMessageId(): string {
  return `msg_${Date.now().toString(36)}${randomBytes(8).toString('hex')}`;
}

/** A WhatsApp message id in the web client's format, chosen before sending so a resend after a crash reuses it. */
export function newWaMessageId(): string {
  return `3EB0${randomBytes(10).toString('hex').toUpperCase()}`;
}
