const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/**
 * Whether a JSON text nests objects and arrays more than `maxDepth` levels deep (`{}` and `[]` count one
 * level each; brackets inside strings do not count). One pass over the bytes, before parsing: strings are
 * skipped with `indexOf`, so a large base64 string costs almost nothing. Malformed JSON may get any answer; the
 * parser refuses it anyway.
 */
export function jsonNestsDeeperThan(json: Uint8Array, maxDepth: number): boolean {
  const buf = Buffer.isBuffer(json) ? json : Buffer.from(json.buffer, json.byteOffset, json.byteLength);
  let depth = 0;
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i];
    if (c === QUOTE) {
      i = endOfString(buf, i);
      if (i < 0) return false;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > maxDepth) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}

/** Index of the quote closing the string opened at `start`, or -1 if the string never ends. */
function endOfString(buf: Buffer, start: number): number {
  let i = start;
  for (;;) {
    i = buf.indexOf(QUOTE, i + 1);
    if (i < 0) return -1;
    let backslashes = 0;
    while (buf[i - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return i;
  }
}
