import { EVENT_TYPES } from '../events/domain-event';

export const ALL_EVENTS = '*';
export const SUBSCRIBABLE_EVENTS = [ALL_EVENTS, ...EVENT_TYPES] as const;

/** Whether an endpoint subscribed to `events` (a list of types, or `["*"]`) gets an event of `type`. */
export function subscribes(events: string[], type: string): boolean {
  return events.includes(ALL_EVENTS) || events.includes(type);
}
