import { match } from 'path-to-regexp';
import { DEFAULT_SESSION } from '../../whatsapp/sessions/default-session';

/**
 * Which requests need the session's live connection, and so must be served by the node that owns the session.
 *
 * Served by any node, from the database (this list is explicit: a route added later is forwarded until someone
 * decides otherwise, which is always correct, only slower):
 * - GET  /api/sessions/:session                                the session's view
 * - POST /api/sessions/:session/messages                       accepting a send: queued durably, drained by the owner
 * - GET  /api/sessions/:session/messages[/:messageId[/media]]  history, one message, its stored file
 * - GET  /api/sessions/:session/chats[/:chatId/messages]       chat list, a chat's messages
 * - GET  /api/sessions/:session/contacts                       the contact directory
 * (HEAD goes with GET, as in Express.)
 *
 * Forwarded to the owner: everything else under /api/sessions/:session (DELETE of the session, qr, qr.png,
 * pairing-code, logout, stop, start, restart, move, lookup GET contacts/:phone, contacts/:phone/picture,
 * block/unblock, blocklist, groups, presence, read, PATCH/DELETE of a message (edit and revoke are sent through
 * the connection), media retry (the downloader runs beside the connection)), and every seed route under
 * /api/whatsapp, which acts on the `default` session: status and the seed send read the connection's state
 * in memory, qr/logout need the connection, and receive feeds the owner's inbound pipeline as if the message
 * had come from its connection.
 *
 * Not concerned: GET/POST /api/sessions (list, create), other resources, and OPTIONS (a preflight touches no
 * session).
 */
export const LOCAL_SESSION_ROUTES: readonly string[] = [
  'GET /api/sessions/:session',
  'POST /api/sessions/:session/messages',
  'GET /api/sessions/:session/messages',
  'GET /api/sessions/:session/messages/:messageId',
  'GET /api/sessions/:session/messages/:messageId/media',
  'GET /api/sessions/:session/chats',
  'GET /api/sessions/:session/chats/:chatId/messages',
  'GET /api/sessions/:session/contacts',
];

// Matched the way Express matches routes: case-insensitive, optional trailing slash, on the undecoded path.
const SESSION_PATH = /^\/api\/sessions\/([^/]+)(?:\/|$)/i;
const SEED_PATH = /^\/api\/whatsapp(?:\/|$)/i;

const LOCAL = LOCAL_SESSION_ROUTES.map((route) => {
  const [method, pattern] = route.split(' ');
  return { method, matches: match(pattern, { decode: false, end: true, trailing: true, sensitive: false }) };
});

/** The session whose owner must serve this request, or null when any node serves it (or it is no session's). */
export function sessionToForward(method: string, path: string): string | null {
  if (method === 'OPTIONS') return null;
  if (SEED_PATH.test(path)) return DEFAULT_SESSION;
  const found = SESSION_PATH.exec(path);
  if (!found) return null;
  const wanted = method === 'HEAD' ? 'GET' : method;
  if (LOCAL.some((r) => r.method === wanted && r.matches(path) !== false)) return null;
  try {
    return decodeURIComponent(found[1]);
  } catch {
    // Express answers a malformed parameter itself (400); no owner can do better.
    return null;
  }
}
