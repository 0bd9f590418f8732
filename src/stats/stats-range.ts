export type StatsBucket = 'hour' | 'day';

export const BUCKET_MS: Record<StatsBucket, number> = { hour: 3_600_000, day: 86_400_000 };

/** The default window when `from` is not given, and the widest window allowed, per bucket size. */
export const DEFAULT_SPAN_MS: Record<StatsBucket, number> = { hour: 24 * 3_600_000, day: 30 * 86_400_000 };
export const MAX_SPAN_MS: Record<StatsBucket, number> = { hour: 14 * 86_400_000, day: 366 * 86_400_000 };

export interface StatsRange {
  bucket: StatsBucket;
  bucketMs: number;
  /** Inclusive, on a UTC bucket edge. */
  from: number;
  /** Exclusive, on a UTC bucket edge. */
  to: number;
}

export type RangeResult = { ok: true; range: StatsRange } | { ok: false; details: Record<string, string> };

/**
 * The window of a stats query in UTC buckets: `to` defaults to now and `from` to one day (hour buckets) or 30 days
 * (day buckets) before it; `from` is rounded down and `to` up to a bucket edge. A window that is empty, reversed or
 * wider than 14 days of hours or 366 days of days is refused.
 */
export function resolveStatsRange(
  q: { from?: string; to?: string; bucket?: StatsBucket },
  now: number,
): RangeResult {
  const bucket = q.bucket ?? 'hour';
  const size = BUCKET_MS[bucket];
  const toRaw = q.to != null ? Date.parse(q.to) : now;
  const fromRaw = q.from != null ? Date.parse(q.from) : toRaw - DEFAULT_SPAN_MS[bucket];
  if (Number.isNaN(toRaw)) return { ok: false, details: { to: 'to must be an ISO 8601 date' } };
  if (Number.isNaN(fromRaw)) return { ok: false, details: { from: 'from must be an ISO 8601 date' } };
  if (fromRaw >= toRaw) return { ok: false, details: { from: 'from must be before to' } };
  const from = Math.floor(fromRaw / size) * size;
  const to = Math.ceil(toRaw / size) * size;
  if (to - from > MAX_SPAN_MS[bucket]) {
    const max = bucket === 'hour' ? '14 days with bucket=hour' : '366 days with bucket=day';
    return { ok: false, details: { from: `the window from..to may span at most ${max}` } };
  }
  return { ok: true, range: { bucket, bucketMs: size, from, to } };
}
