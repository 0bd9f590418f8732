import { maskPhones } from './mask-phones';

/** Fields whose value is a message's text: written as `[redacted]` unless personal data may be logged. */
const TEXT_FIELDS = new Set(['text', 'conversation', 'caption', 'body', 'content', 'pushName']);
const MAX_DEPTH = 6;

/**
 * What a log line may carry: phone numbers masked in every string (message, fields, error messages and stacks)
 * and message texts replaced, unless `pii` allows both. Errors become plain `{type, message, stack}` objects.
 * Pure; returns a copy.
 */
export function scrub(value: unknown, pii: boolean, depth = 0): unknown {
  if (pii) return value;
  if (typeof value === 'string') return maskPhones(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[object]';
  if (value instanceof Error) {
    return {
      type: value.name,
      message: maskPhones(value.message),
      ...(value.stack ? { stack: maskPhones(value.stack) } : {}),
    };
  }
  if (Array.isArray(value)) return value.map((v) => scrub(v, pii, depth + 1));
  if (Buffer.isBuffer(value) || ArrayBuffer.isView(value)) return `[${value.byteLength} bytes]`;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] =
      TEXT_FIELDS.has(key) && v !== null && v !== undefined ? '[redacted]' : scrub(v, pii, depth + 1);
  }
  return out;
}
