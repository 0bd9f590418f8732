/** Headers an endpoint may not set itself: the signature, framing and hop-by-hop headers. */
const RESERVED = new Set([
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
  'content-type',
  'content-length',
  'host',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'expect',
  'proxy-authorization',
  'user-agent',
]);
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;
export const MAX_CUSTOM_HEADERS = 20;

/** Checks the extra headers of an endpoint; returns what is wrong, or null. Never quotes a value. */
export function customHeadersProblem(headers: Record<string, unknown>): string | null {
  const entries = Object.entries(headers);
  if (entries.length > MAX_CUSTOM_HEADERS) return `at most ${MAX_CUSTOM_HEADERS} headers`;
  for (const [name, value] of entries) {
    if (!TOKEN.test(name)) return `"${name.slice(0, 100)}" is not a valid header name`;
    if (RESERVED.has(name.toLowerCase()))
      return `header "${name}" is set by the gateway and cannot be overridden`;
    if (typeof value !== 'string') return `header "${name}" must be a string`;
    if (value.length > 2000 || /[\r\n\0]/.test(value)) {
      return `header "${name}" must be at most 2000 characters without line breaks`;
    }
  }
  return null;
}

/** What the API shows instead of a custom header's value (the values often are credentials). */
export const MASKED_HEADER_VALUE = '********';

/** The headers with every value masked: the names stay readable. */
export function maskHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.keys(headers).map((name) => [name, MASKED_HEADER_VALUE]));
}

/**
 * New headers for an endpoint: a value sent as the mask keeps the stored value of the same header, so a client
 * may send back what it read. Answers the merged headers, or what is wrong (a masked value for a header that
 * has no stored value).
 */
export function mergeMaskedHeaders(
  next: Record<string, unknown>,
  stored: Record<string, string>,
): { headers: Record<string, unknown>; problem: string | null } {
  const headers: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(next)) {
    if (value !== MASKED_HEADER_VALUE) headers[name] = value;
    else if (Object.prototype.hasOwnProperty.call(stored, name)) headers[name] = stored[name];
    else
      return { headers, problem: `header "${name.slice(0, 100)}" is masked but has no stored value to keep` };
  }
  return { headers, problem: null };
}
