import { EXPIRED_ERROR } from '../messaging/send/expiry';
import type { MessageStatusEventData, MessageView } from '../messaging/message.view';

export type SendOutcome = 'sent' | 'failed' | 'expired';
export type ReceiptKind = 'delivered' | 'read' | 'played' | 'failed';

/** Statuses of a message the gateway has not sent yet. */
const UNSENT = new Set(['queued', 'sending']);

/** A `message.sent` event of a message sent from the send queue (not one sent from the account's phone). */
export function isQueuedSend(view: Pick<MessageView, 'source' | 'direction'>): boolean {
  return view.direction === 'out' && view.source !== 'phone';
}

/** Seconds from accepted (queued) to sent, for a `message.sent` event of a queued send; null if unknown. */
export function sendLatencySeconds(view: Pick<MessageView, 'createdAt' | 'sentAt'>): number | null {
  if (!view.sentAt) return null;
  const ms = Date.parse(view.sentAt) - Date.parse(view.createdAt);
  return Number.isFinite(ms) ? Math.max(0, ms) / 1000 : null;
}

/**
 * What a `message.status` event says about a send that never went out: `failed` or `expired`; null when it is
 * about a message already sent (a receipt).
 */
export function unsentOutcome(
  data: Pick<MessageStatusEventData, 'status' | 'previousStatus' | 'error'>,
): Exclude<SendOutcome, 'sent'> | null {
  if (data.status !== 'failed' || !UNSENT.has(data.previousStatus)) return null;
  return data.error === EXPIRED_ERROR ? 'expired' : 'failed';
}

/**
 * Whether a `message.status` event is the one sign that a queued send went out: a receipt that settled the
 * message while it was still `queued` or `sending` (its sent mark then never comes, nor its `message.sent`).
 */
export function sentByReceipt(data: Pick<MessageStatusEventData, 'status' | 'previousStatus'>): boolean {
  return UNSENT.has(data.previousStatus) && ['delivered', 'read', 'played'].includes(data.status);
}

/**
 * The receipt a `message.status` event records, or null. A receipt may overtake its message's `sent` mark
 * (its previous status is then `sending`); a failure of a message never sent is not a receipt.
 */
export function receiptOf(
  data: Pick<MessageStatusEventData, 'status' | 'previousStatus'>,
): ReceiptKind | null {
  switch (data.status) {
    case 'delivered':
    case 'read':
    case 'played':
      return data.status;
    case 'failed':
      return UNSENT.has(data.previousStatus) ? null : 'failed';
    default:
      return null;
  }
}
