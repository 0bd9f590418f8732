/**
 * The wait before the next send of a session: at least `minIntervalMs` after the previous one, plus a random
 * extra of up to `jitterMs`, so a burst goes out at a human-looking pace instead of a ban-inviting one.
 */
export function nextSendDelay(
  lastSentAt: number,
  now: number,
  minIntervalMs: number,
  jitterMs: number,
  random: () => number = Math.random,
): number {
  if (minIntervalMs <= 0 && jitterMs <= 0) return 0;
  const earliest = lastSentAt + minIntervalMs + Math.round(random() * jitterMs);
  return Math.max(0, earliest - now);
}
