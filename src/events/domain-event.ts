import { randomUUID } from 'node:crypto';

/**
 * Event types. The same names are used for the internal bus, the webhook envelope's `type` and the Socket.IO
 * event name.
 */
export const EVENT_TYPES = [
  'message.received',
  'message.sent',
  'message.status',
  'message.media',
  'message.edited',
  'message.revoked',
  'message.reaction',
  'poll.vote',
  'session.status',
  'session.qr',
  'presence.update',
  'contact.mapped',
  'group.join',
  'group.leave',
  'group.participants',
  'group.update',
  'webhook.endpoint_disabled',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** One event, as webhooks deliver it (`{id, type, session, timestamp, data}`); `id` never changes across retries. */
export interface DomainEvent<T = unknown> {
  id: string;
  type: EventType;
  session: string | null;
  timestamp: string;
  data: T;
}

export function newEvent<T>(type: EventType, session: string | null, data: T): DomainEvent<T> {
  return {
    id: `evt_${randomUUID().replace(/-/g, '')}`,
    type,
    session,
    timestamp: new Date().toISOString(),
    data,
  };
}
