/** The 4-byte intro every client stream starts with: "WA", protocol 6, dictionary version 3. */
export const WA_INTRO = Buffer.from([0x57, 0x41, 0x06, 0x03]);

/** Larger than the biggest legitimate frame (the first prekey upload is about 41 kB). */
export const MAX_FRAME_BYTES = 1024 * 1024;

export class FramingError extends Error {}

/** Encodes one outgoing frame: 3-byte big-endian length, then the payload. The server never sends an intro. */
export function encodeFrame(payload: Buffer): Buffer {
  if (payload.length >= 1 << 24) throw new FramingError('frame too large to encode');
  const header = Buffer.from([
    (payload.length >> 16) & 0xff,
    (payload.length >> 8) & 0xff,
    payload.length & 0xff,
  ]);
  return Buffer.concat([header, payload]);
}

/**
 * Splits the client's byte stream into frames. A WebSocket message may hold several frames or part of one, so
 * bytes are buffered. The stream starts with the WA intro, optionally preceded by an "ED" routing header.
 */
export class FrameReader {
  private buffer: Buffer = Buffer.alloc(0);
  private introDone = false;

  constructor(private readonly maxFrameBytes = MAX_FRAME_BYTES) {}

  /** Adds received bytes and returns every complete frame. Throws FramingError on a malformed stream. */
  push(chunk: Buffer): Buffer[] {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    if (!this.introDone && !this.consumeIntro()) return [];
    const frames: Buffer[] = [];
    while (this.buffer.length >= 3) {
      const size = (this.buffer[0] << 16) | (this.buffer[1] << 8) | this.buffer[2];
      if (size > this.maxFrameBytes) throw new FramingError(`frame of ${size} bytes exceeds the limit`);
      if (this.buffer.length < size + 3) break;
      frames.push(Buffer.from(this.buffer.subarray(3, size + 3)));
      this.buffer = this.buffer.subarray(size + 3);
    }
    if (this.buffer.length > this.maxFrameBytes + 3)
      throw new FramingError('buffered data exceeds the limit');
    return frames;
  }

  /** Returns true once the intro has been consumed; false while more bytes are needed. */
  private consumeIntro(): boolean {
    const b = this.buffer;
    if (b.length < 2) return false;
    let offset = 0;
    if (b[0] === 0x45 && b[1] === 0x44) {
      // "ED" 00 01 BE(len,3) routingInfo, then the WA intro
      if (b.length < 7) return false;
      if (b[2] !== 0 || b[3] !== 1) throw new FramingError('bad routing header');
      const routingLength = (b[4] << 16) | (b[5] << 8) | b[6];
      if (routingLength > 4096) throw new FramingError('routing info too long');
      offset = 7 + routingLength;
    } else if (b[0] !== 0x57 || b[1] !== 0x41) {
      throw new FramingError('stream does not start with the WA intro');
    }
    if (b.length < offset + WA_INTRO.length) return false;
    if (!b.subarray(offset, offset + WA_INTRO.length).equals(WA_INTRO))
      throw new FramingError('bad WA intro');
    this.buffer = b.subarray(offset + WA_INTRO.length);
    this.introDone = true;
    return true;
  }
}
