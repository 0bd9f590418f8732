/**
 * When to try a webhook delivery again. The schedule lists the delay before each attempt, in seconds; the
 * first entry is the delay before the first attempt (0 = at once). Svix's schedule is the default:
 * immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. Each delay gets ±20 % jitter.
 */
export const DEFAULT_RETRY_SCHEDULE = '0,5,300,1800,7200,18000,36000,36000';
export const JITTER = 0.2;
/** A Retry-After longer than this is clamped to it. */
export const MAX_RETRY_AFTER_MS = 24 * 3600 * 1000;

export function parseSchedule(spec: string): number[] {
  const delays = spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => Math.round(Number(s) * 1000));
  if (!delays.length || delays.some((d) => !Number.isFinite(d) || d < 0)) {
    throw new Error(`Invalid retry schedule "${spec}"`);
  }
  return delays;
}

export function withJitter(delayMs: number, random: () => number = Math.random): number {
  if (delayMs === 0) return 0;
  return Math.round(delayMs * (1 - JITTER + 2 * JITTER * random()));
}

/**
 * Delay before the next attempt, after `attemptsMade` attempts of the current run have failed; null when the
 * run is over (the delivery has failed). `runLimit` caps the run (1 for a manual retry).
 */
export function nextDelayMs(
  attemptsMade: number,
  schedule: number[],
  runLimit: number | null = null,
  random: () => number = Math.random,
): number | null {
  const limit = Math.min(runLimit ?? schedule.length, schedule.length);
  if (attemptsMade >= limit) return null;
  return withJitter(schedule[attemptsMade], random);
}

/** Parses a Retry-After header (seconds or an HTTP date) into milliseconds from `now`; undefined if absent or bad. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  let ms: number;
  if (/^\d+$/.test(trimmed)) ms = Number(trimmed) * 1000;
  else {
    const at = Date.parse(trimmed);
    if (Number.isNaN(at)) return undefined;
    ms = at - now;
  }
  return Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS);
}
