import { resolveStatsRange } from './stats-range';

const NOW = Date.parse('2026-12-02T10:30:00Z');

describe('resolveStatsRange', () => {
  it('defaults to the last 24 hours by hour, to rounded up to the next hour edge', () => {
    expect(resolveStatsRange({}, NOW)).toEqual({
      ok: true,
      range: {
        bucket: 'hour',
        bucketMs: 3_600_000,
        from: Date.parse('2026-12-01T10:00:00Z'),
        to: Date.parse('2026-12-02T11:00:00Z'),
      },
    });
  });

  it('defaults to 30 days by day and aligns to UTC midnights', () => {
    const r = resolveStatsRange({ bucket: 'day' }, NOW);
    expect(r).toMatchObject({
      ok: true,
      range: { from: Date.parse('2026-11-02T00:00:00Z'), to: Date.parse('2026-12-03T00:00:00Z') },
    });
  });

  it('keeps edges that are already on a bucket edge', () => {
    const r = resolveStatsRange({ from: '2026-11-01', to: '2026-11-02', bucket: 'hour' }, NOW);
    expect(r).toMatchObject({
      ok: true,
      range: { from: Date.parse('2026-11-01T00:00:00Z'), to: Date.parse('2026-11-02T00:00:00Z') },
    });
  });

  it('refuses a reversed or empty window', () => {
    expect(resolveStatsRange({ from: '2026-11-02', to: '2026-11-01' }, NOW)).toEqual({
      ok: false,
      details: { from: 'from must be before to' },
    });
    expect(resolveStatsRange({ from: '2026-11-01', to: '2026-11-01' }, NOW).ok).toBe(false);
  });

  it('refuses windows wider than the bound of the bucket size', () => {
    expect(resolveStatsRange({ from: '2026-11-01', to: '2026-11-16', bucket: 'hour' }, NOW).ok).toBe(false);
    expect(resolveStatsRange({ from: '2026-11-01', to: '2026-11-15', bucket: 'hour' }, NOW).ok).toBe(true);
    expect(resolveStatsRange({ from: '2025-01-01', to: '2026-11-15', bucket: 'day' }, NOW).ok).toBe(false);
  });
});
