import { EXPIRED_ERROR } from '../messaging/send/expiry';
import {
  isQueuedSend,
  receiptOf,
  sendLatencySeconds,
  sentByReceipt,
  unsentOutcome,
} from './message-outcomes';

describe('message outcomes for the metrics', () => {
  it('tells queued sends from messages sent on the phone', () => {
    expect(isQueuedSend({ direction: 'out', source: 'api' })).toBe(true);
    expect(isQueuedSend({ direction: 'out', source: 'auto_reply' })).toBe(true);
    expect(isQueuedSend({ direction: 'out', source: 'phone' })).toBe(false);
    expect(isQueuedSend({ direction: 'in', source: 'whatsapp' })).toBe(false);
  });

  it('measures accepted -> sent in seconds', () => {
    expect(
      sendLatencySeconds({ createdAt: '2026-12-02T10:00:00.000Z', sentAt: '2026-12-02T10:00:01.250Z' }),
    ).toBe(1.25);
    expect(sendLatencySeconds({ createdAt: '2026-12-02T10:00:00.000Z', sentAt: null })).toBeNull();
    expect(sendLatencySeconds({ createdAt: 'not a date', sentAt: '2026-12-02T10:00:00.000Z' })).toBeNull();
  });

  it('tells a failed send from an expired one, and ignores receipts', () => {
    expect(
      unsentOutcome({ status: 'failed', previousStatus: 'sending', error: 'Recipient not on WhatsApp' }),
    ).toBe('failed');
    expect(unsentOutcome({ status: 'failed', previousStatus: 'queued', error: EXPIRED_ERROR })).toBe(
      'expired',
    );
    expect(
      unsentOutcome({ status: 'failed', previousStatus: 'sent', error: 'rejected by WhatsApp' }),
    ).toBeNull();
    expect(unsentOutcome({ status: 'delivered', previousStatus: 'sent', error: null })).toBeNull();
  });

  it('names receipts, also one that overtook its sent mark', () => {
    expect(receiptOf({ status: 'delivered', previousStatus: 'sent' })).toBe('delivered');
    expect(receiptOf({ status: 'read', previousStatus: 'delivered' })).toBe('read');
    expect(receiptOf({ status: 'played', previousStatus: 'read' })).toBe('played');
    expect(receiptOf({ status: 'failed', previousStatus: 'sent' })).toBe('failed');
    expect(receiptOf({ status: 'failed', previousStatus: 'queued' })).toBeNull();
    expect(receiptOf({ status: 'delivered', previousStatus: 'sending' })).toBe('delivered');
    expect(receiptOf({ status: 'sent', previousStatus: 'sending' })).toBeNull();
  });

  it('counts a receipt that settled a message still queued or sending as its send', () => {
    expect(sentByReceipt({ status: 'delivered', previousStatus: 'sending' })).toBe(true);
    expect(sentByReceipt({ status: 'read', previousStatus: 'queued' })).toBe(true);
    expect(sentByReceipt({ status: 'read', previousStatus: 'delivered' })).toBe(false);
    expect(sentByReceipt({ status: 'delivered', previousStatus: 'sent' })).toBe(false);
    expect(sentByReceipt({ status: 'failed', previousStatus: 'sending' })).toBe(false);
  });
});
