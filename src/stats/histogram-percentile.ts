/**
 * The nearest-rank percentile `p` (0-100) of values counted in a histogram: `counts[i]` values fell at or below
 * `bounds[i]` (and above the previous bound); `counts[bounds.length]` values fell above the last bound. The answer
 * is the upper bound of the bucket that holds the ranked value (so an upper estimate), the last bound itself for the
 * open-ended bucket, and null when nothing was counted.
 */
export function histogramPercentile(
  bounds: readonly number[],
  counts: readonly number[],
  p: number,
): number | null {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * total));
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    seen += counts[i];
    if (seen >= rank) return bounds[Math.min(i, bounds.length - 1)];
  }
  return bounds[bounds.length - 1];
}
