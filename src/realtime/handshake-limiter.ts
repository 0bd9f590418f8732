/**
 * Counts refused Socket.IO handshakes per client address. REST key guessing is throttled by the global
 * throttler; handshakes do not pass through it, so the gateway keeps its own count: after `maxFailures`
 * refusals within `windowMs`, further failing handshakes from that address are refused as "Too Many Requests"
 * until the window ends. Only failures are counted and only failures are refused: a handshake with the right
 * key is never asked here (behind a proxy one address may be every client).
 */
export class HandshakeLimiter {
  private readonly failures = new Map<string, { count: number; since: number }>();

  constructor(
    private readonly maxFailures: number,
    private readonly windowMs: number,
    private readonly maxTracked = 10_000,
  ) {}

  /** Milliseconds until `address` may try again, or 0 when it may try now. */
  retryAfterMs(address: string, now = Date.now()): number {
    const entry = this.failures.get(address);
    if (!entry) return 0;
    const left = entry.since + this.windowMs - now;
    if (left <= 0) {
      this.failures.delete(address);
      return 0;
    }
    return entry.count >= this.maxFailures ? left : 0;
  }

  /** Counts a refusal; returns how many `address` has had in its current window. */
  recordFailure(address: string, now = Date.now()): number {
    const entry = this.failures.get(address);
    if (entry && now - entry.since < this.windowMs) return ++entry.count;
    if (!entry && this.failures.size >= this.maxTracked) this.evictExpired(now);
    // Still full of live entries: forget the oldest (Map keeps insertion order) rather than grow without bound.
    if (!entry && this.failures.size >= this.maxTracked) {
      this.failures.delete(this.failures.keys().next().value as string);
    }
    this.failures.set(address, { count: 1, since: now });
    return 1;
  }

  private evictExpired(now: number): void {
    for (const [address, entry] of this.failures) {
      if (now - entry.since >= this.windowMs) this.failures.delete(address);
    }
  }
}
