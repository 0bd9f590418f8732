import { HandshakeLimiter } from './handshake-limiter';

describe('HandshakeLimiter', () => {
  it('lets an address fail up to the limit, then blocks it until the window ends', () => {
    const limiter = new HandshakeLimiter(3, 1000);
    for (let i = 0; i < 2; i++) limiter.recordFailure('1.1.1.1', 0);
    expect(limiter.retryAfterMs('1.1.1.1', 10)).toBe(0);
    limiter.recordFailure('1.1.1.1', 10);
    expect(limiter.retryAfterMs('1.1.1.1', 100)).toBe(900);
    expect(limiter.retryAfterMs('2.2.2.2', 100)).toBe(0);
    expect(limiter.retryAfterMs('1.1.1.1', 1000)).toBe(0);
  });

  it('returns the count of the current window', () => {
    const limiter = new HandshakeLimiter(3, 1000);
    expect([0, 1, 2].map((at) => limiter.recordFailure('a', at))).toEqual([1, 2, 3]);
    expect(limiter.recordFailure('a', 1000)).toBe(1);
  });

  it('starts a new window after the old one ends', () => {
    const limiter = new HandshakeLimiter(2, 1000);
    limiter.recordFailure('a', 0);
    limiter.recordFailure('a', 1500);
    expect(limiter.retryAfterMs('a', 1600)).toBe(0);
    limiter.recordFailure('a', 1600);
    expect(limiter.retryAfterMs('a', 1600)).toBe(900);
  });

  it('tracks a bounded number of addresses', () => {
    const limiter = new HandshakeLimiter(1, 1000, 2);
    limiter.recordFailure('a', 0);
    limiter.recordFailure('b', 0);
    limiter.recordFailure('c', 0);
    expect(limiter.retryAfterMs('a', 1)).toBe(0);
    expect(limiter.retryAfterMs('b', 1)).toBe(999);
    expect(limiter.retryAfterMs('c', 1)).toBe(999);
  });
});
