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
