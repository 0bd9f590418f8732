/**
 * Capped exponential backoff with jitter: attempt 0 waits about `baseMs`, each next one doubles, never more than
 * `maxMs`; the delay is spread over [50 %, 100 %] of the nominal value so many sessions that lost the same
 * network do not reconnect in lockstep.
 */
export function backoffDelay(
  attempt: number,
  baseMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const nominal = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(nominal * (0.5 + random() / 2));
}
