import { nextDelayMs, parseRetryAfter, parseSchedule, withJitter } from './retry-schedule';

describe('retry schedule', () => {
  const svix = parseSchedule('0,5,300,1800,7200,18000,36000,36000');

  it('parses seconds (with fractions, for compressed test schedules) into milliseconds', () => {
    expect(svix).toEqual([0, 5000, 300000, 1800000, 7200000, 18000000, 36000000, 36000000]);
    expect(parseSchedule(' 0, 0.25 ,1.5')).toEqual([0, 250, 1500]);
    expect(() => parseSchedule('')).toThrow();
    expect(() => parseSchedule('1,x')).toThrow();
  });

  it('follows the schedule attempt by attempt and ends after the last entry', () => {
    const mid = () => 0.5; // no jitter
    expect(nextDelayMs(0, svix, null, mid)).toBe(0);
    expect(nextDelayMs(1, svix, null, mid)).toBe(5000);
    expect(nextDelayMs(2, svix, null, mid)).toBe(300000);
    expect(nextDelayMs(7, svix, null, mid)).toBe(36000000);
    expect(nextDelayMs(8, svix, null, mid)).toBeNull();
  });

  it('a run limit (manual retry = 1 attempt) ends the run early', () => {
    expect(nextDelayMs(0, svix, 1, () => 0.5)).toBe(0);
    expect(nextDelayMs(1, svix, 1, () => 0.5)).toBeNull();
  });

  it('jitters by at most 20 % either way and never delays an immediate attempt', () => {
    expect(withJitter(10000, () => 0)).toBe(8000);
    expect(withJitter(10000, () => 1)).toBe(12000);
    expect(withJitter(0, () => 1)).toBe(0);
    for (let i = 0; i < 100; i++) {
      const d = withJitter(5000);
      expect(d).toBeGreaterThanOrEqual(4000);
      expect(d).toBeLessThanOrEqual(6000);
    }
  });

  it('reads Retry-After as seconds or an HTTP date, clamped to a day', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('9999999', now)).toBe(24 * 3600 * 1000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});
