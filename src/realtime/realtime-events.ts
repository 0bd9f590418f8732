/**
 * Events forwarded to Socket.IO clients, under the same names as the internal bus and the webhooks' `type`.
 * Each carries the DomainEvent envelope `{id, type, session, timestamp, data}` unchanged.
 */
export const FORWARDED_EVENTS = [
  'session.status',
  'session.qr',
  'message.received',
  'message.sent',
  'message.status',
  'message.media',
  'message.edited',
  'message.revoked',
  'message.reaction',
  'poll.vote',
  'presence.update',
  'contact.mapped',
  'group.join',
  'group.leave',
  'group.participants',
  'group.update',
  'webhook.endpoint_disabled',
  'webhook.inbound',
] as const;
export type ForwardedEvent = (typeof FORWARDED_EVENTS)[number];

/** Sent by the server to a client that had events dropped while it was lagging, once it has caught up. */
export const DROPPED_EVENT = 'events.dropped';

/**
 * Between the nodes of a cluster (Socket.IO's server-side emit, never sent to clients): `(name, eventJson)`, an
 * event one node produced, for the others to deliver to their clients.
 */
export const RELAYED_EVENT = 'wa-gateway:relayed-event';
