/** Longest client-given name (a property, a path) an error message repeats. */
export const MAX_SHOWN_NAME = 40;

const SAFE_NAME = /^[A-Za-z0-9_$-]+$/;

/**
 * A client-given property name as an error message may show it: short and plain (letters, digits, `_`, `$`,
 * `-`), or `null` when it is not, so nothing the client sent is echoed unbounded or unescaped.
 */
export function shownName(name: string): string | null {
  return name.length <= MAX_SHOWN_NAME && SAFE_NAME.test(name) ? name : null;
}

/** A dotted property path for an error message; a segment that cannot be shown becomes `?`. */
export function shownPath(segments: readonly (string | number)[]): string {
  return segments.map((s) => (typeof s === 'number' ? String(s) : (shownName(s) ?? '?'))).join('.');
}
