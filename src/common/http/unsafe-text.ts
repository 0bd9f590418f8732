import { shownPath } from '../errors/safe-name';

/** What is wrong with a text, or null. */
export interface UnsafeText {
  /** Where it is in the body, e.g. `text` or `sections.0.title` (names that cannot be shown are `?`). */
  path: string;
  problem: 'NUL character' | 'unpaired surrogate';
}

const NUL_OR_SURROGATE = /[\0\uD800-\uDFFF]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Finds the first string in a parsed JSON body (object keys included) that cannot be stored and delivered as
 * it was sent: one containing NUL (U+0000), or an unpaired UTF-16 surrogate (`\uD800`-`\uDFFF` without its
 * partner, which is not a character and becomes U+FFFD in UTF-8). Pairs (emoji beyond U+FFFF) are fine.
 * `value` must be bounded in depth (the JSON parser limits nesting).
 */
export function findUnsafeText(value: unknown, path: (string | number)[] = []): UnsafeText | null {
  if (typeof value === 'string') return problemOf(value, path);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findUnsafeText(value[i], [...path, i]);
      if (found) return found;
    }
    return null;
  }
  if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const inKey = problemOf(key, [...path, key]);
      if (inKey) return inKey;
      const found = findUnsafeText(item, [...path, key]);
      if (found) return found;
    }
  }
  return null;
}

function problemOf(text: string, path: (string | number)[]): UnsafeText | null {
  if (!NUL_OR_SURROGATE.test(text)) return null;
  if (text.includes('\0')) return { path: shownPath(path), problem: 'NUL character' };
  if (LONE_SURROGATE.test(text)) return { path: shownPath(path), problem: 'unpaired surrogate' };
  return null;
}
