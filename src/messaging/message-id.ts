import { randomFillSync } from 'node:crypto';

// Two ids per accepted message: asking the CSPRNG for 8-10 bytes each time was a measurable share of a send
// request, so bytes are drawn from a pool refilled 4 KiB at a time (what `crypto.randomUUID` does internally).
const POOL_SIZE = 4096;
const pool = Buffer.alloc(POOL_SIZE);
let offset = POOL_SIZE;

function randomHex(bytes: number): string {
  if (offset + bytes > POOL_SIZE) {
    randomFillSync(pool);
    offset = 0;
  }
  const hex = pool.toString('hex', offset, offset + bytes);
  offset += bytes;
  return hex;
}

/** Public message ids: `msg_` + time (base36) + randomness; sortable by creation and unguessable. */
export function newMessageId(): string {
  return `msg_${Date.now().toString(36)}${randomHex(8)}`;
}

/** A WhatsApp message id in the web client's format, chosen before sending so a resend after a crash reuses it. */
export function newWaMessageId(): string {
  return `3EB0${randomHex(10).toUpperCase()}`;
}
