import { redactDatabaseUrl } from '../../config/redact-database-url';

/** What common connection failures mean, by Node's error code or PostgreSQL's SQLSTATE. */
const HINTS: Record<string, string> = {
  ECONNREFUSED: 'nothing accepts connections at that host and port',
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name could not be resolved (DNS)',
  ETIMEDOUT: 'the connection timed out',
  EHOSTUNREACH: 'the host is unreachable',
  ECONNRESET: 'the server closed the connection',
  ERR_TLS_CERT_ALTNAME_INVALID:
    "the server's certificate is not issued for this host (DATABASE_SSL=verify-full)",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "the server's certificate is not signed by a trusted CA (DATABASE_SSL_CA)",
  SELF_SIGNED_CERT_IN_CHAIN: "the server's certificate is not signed by a trusted CA (DATABASE_SSL_CA)",
  DEPTH_ZERO_SELF_SIGNED_CERT:
    "the server's certificate is self-signed (DATABASE_SSL_CA, or DATABASE_SSL=require)",
  '28P01': 'wrong user name or password',
  '28000': 'the server refuses this user, database or address (pg_hba.conf)',
  '3D000': 'the database does not exist',
  '53300': 'the server has no connection left',
  '57P03': 'the server is starting up or shutting down',
};

interface ErrorLike {
  message?: unknown;
  code?: unknown;
  errors?: unknown;
}

/** The code and message of an error; an AggregateError (one per address tried) gives its first inner error's. */
function codeAndMessage(err: unknown): { code?: string; message: string } {
  if (typeof err !== 'object' || err === null) return { message: String(err) };
  const e = err as ErrorLike;
  const inner = Array.isArray(e.errors) && e.errors.length ? codeAndMessage(e.errors[0]) : undefined;
  const code = typeof e.code === 'string' ? e.code : inner?.code;
  const message = typeof e.message === 'string' && e.message ? e.message : (inner?.message ?? String(err));
  return { code, message };
}

/**
 * A boot error for a PostgreSQL that cannot be used: it names DATABASE_URL (password hidden) and the reason, e.g.
 * `Cannot use the PostgreSQL database of DATABASE_URL (postgres://gw:***@db:5432/gw): ECONNREFUSED, nothing
 * accepts connections at that host and port (connect ECONNREFUSED 10.0.0.5:5432)`. The password is hidden from
 * the error's own message too, should a driver ever print it. `name` is where the URL came from (a command-line
 * tool names its option).
 */
export function describeDatabaseError(err: unknown, url: string, name = 'DATABASE_URL'): string {
  const { code, message } = codeAndMessage(err);
  const safe = passwordsOf(url).reduce((text, password) => text.split(password).join('***'), message);
  const hint = code ? HINTS[code] : undefined;
  const reason = [code, hint].filter(Boolean).join(', ');
  const detail = reason ? (safe.includes(reason) ? safe : `${reason} (${safe})`) : safe;
  return `Cannot use the PostgreSQL database of ${name} (${redactDatabaseUrl(url)}): ${detail}`;
}

/** The URL's password as written and decoded, longest first; none if the URL does not parse. */
function passwordsOf(url: string): string[] {
  try {
    const written = new URL(url).password;
    if (!written) return [];
    let decoded = written;
    try {
      decoded = decodeURIComponent(written);
    } catch {
      // not valid percent-encoding: as written
    }
    return [...new Set([written, decoded])].sort((a, b) => b.length - a.length);
  } catch {
    return [];
  }
}
