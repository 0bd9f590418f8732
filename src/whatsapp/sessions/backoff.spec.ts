import { backoffDelay } from './backoff';

describe('backoffDelay', () => {
  it('doubles per attempt and is capped', () => {
    const top = () => 1;
    expect(backoffDelay(0, 1000, 60000, top)).toBe(1000);
    expect(backoffDelay(1, 1000, 60000, top)).toBe(2000);
    expect(backoffDelay(5, 1000, 60000, top)).toBe(32000);
    expect(backoffDelay(6, 1000, 60000, top)).toBe(60000);
    expect(backoffDelay(500, 1000, 60000, top)).toBe(60000);
  });

  it('jitters between half and the full nominal delay', () => {
    expect(backoffDelay(3, 1000, 60000, () => 0)).toBe(4000);
    for (let i = 0; i < 100; i++) {
      const d = backoffDelay(3, 1000, 60000);
      expect(d).toBeGreaterThanOrEqual(4000);
      expect(d).toBeLessThanOrEqual(8000);
    }
  });
});
