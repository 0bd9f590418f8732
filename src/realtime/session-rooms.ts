/**
 * Rooms. A client that names no session is in `ALL_ROOM` and receives every session's events; a client that
 * subscribes to sessions is in one `session:<id>` room per session and receives only theirs. Events that
 * belong to no session (e.g. `webhook.endpoint_disabled`) go to every client.
 */
export const ALL_ROOM = 'all-sessions';
export const MAX_SUBSCRIPTIONS = 100;
const SESSION_ID = /^[A-Za-z0-9._-]{1,64}$/;

export function sessionRoom(session: string): string {
  return `session:${session}`;
}

/** Rooms an event for `session` goes to. */
export function roomsFor(session: string | null | undefined): string[] {
  return session ? [ALL_ROOM, sessionRoom(session)] : [];
}

export type SessionList = { ok: true; sessions: string[] } | { ok: false; details: string };

/**
 * Parses a subscription: an array of session ids or a comma-separated string. Empty means "all sessions".
 */
export function parseSessions(value: unknown): SessionList {
  if (value === undefined || value === null || value === '') return { ok: true, sessions: [] };
  const list =
    typeof value === 'string'
      ? value
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : value;
  if (!Array.isArray(list)) {
    return { ok: false, details: 'sessions must be an array of session ids or a comma-separated string' };
  }
  if (list.length > MAX_SUBSCRIPTIONS) {
    return { ok: false, details: `at most ${MAX_SUBSCRIPTIONS} sessions per client` };
  }
  for (const s of list) {
    if (typeof s !== 'string' || !SESSION_ID.test(s)) {
      return { ok: false, details: 'each session id is 1-64 characters: letters, digits, ".", "_" or "-"' };
    }
  }
  return { ok: true, sessions: [...new Set(list as string[])] };
}
