import type { OutgoingContent, QuotedRef } from '../../whatsapp/engine/engine.types';

/** Media as stored in the queue: inline bytes (base64) or a URL fetched at send time. */
export type StoredMedia = { url: string; mimetype?: string } | { base64: string; mimetype: string };

type WithStoredMedia<T> = T extends { media: unknown } ? Omit<T, 'media'> & { media: StoredMedia } : T;

/** What a queued row keeps so the message can still be sent after a restart. */
export interface StoredRequest {
  to: string;
  content: WithStoredMedia<OutgoingContent>;
  quoted?: QuotedRef;
}
