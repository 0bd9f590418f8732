import { histogramPercentile } from './histogram-percentile';

const BOUNDS = [10, 50, 100];

describe('histogramPercentile', () => {
  it('is null when nothing was counted', () => {
    expect(histogramPercentile(BOUNDS, [0, 0, 0, 0], 50)).toBeNull();
  });

  it('answers the upper bound of the bucket holding the nearest-rank value', () => {
    // 10 values: 5 <= 10 ms, 4 <= 50 ms, 1 <= 100 ms
    const counts = [5, 4, 1, 0];
    expect(histogramPercentile(BOUNDS, counts, 50)).toBe(10);
    expect(histogramPercentile(BOUNDS, counts, 51)).toBe(50);
    expect(histogramPercentile(BOUNDS, counts, 90)).toBe(50);
    expect(histogramPercentile(BOUNDS, counts, 95)).toBe(100);
  });

  it('answers the last bound for values above it', () => {
    expect(histogramPercentile(BOUNDS, [0, 0, 0, 3], 50)).toBe(100);
  });
});
