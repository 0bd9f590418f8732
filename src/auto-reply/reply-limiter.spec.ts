import { ReplyLimiter } from './reply-limiter';

function clock(start = 1_000_000) {
  const c = { t: start, now: () => c.t };
  return c;
}

describe('ReplyLimiter', () => {
  it('keeps a rule quiet in a chat for its cooldown, and only in that chat and for that rule', () => {
    const c = clock();
    const limiter = new ReplyLimiter(100, c.now);
    expect(limiter.acquire('s:chatA', 'r1', 30).ok).toBe(true);
    c.t += 29_000;
    expect(limiter.acquire('s:chatA', 'r1', 30)).toEqual({ ok: false, reason: 'cooldown' });
    expect(limiter.acquire('s:chatB', 'r1', 30).ok).toBe(true);
    expect(limiter.acquire('s:chatA', 'r2', 30).ok).toBe(true);
    c.t += 1_000;
    expect(limiter.acquire('s:chatA', 'r1', 30).ok).toBe(true);
  });

  it('a cooldown of 0 never blocks', () => {
    const limiter = new ReplyLimiter(100, clock().now);
    for (let i = 0; i < 10; i++) expect(limiter.acquire('chat', 'r', 0).ok).toBe(true);
  });

  it('caps replies per chat in a sliding minute, across rules', () => {
    const c = clock();
    const limiter = new ReplyLimiter(3, c.now);
    expect(limiter.acquire('chat', 'r1', 0).ok).toBe(true);
    c.t += 10_000;
    expect(limiter.acquire('chat', 'r2', 0).ok).toBe(true);
    expect(limiter.acquire('chat', 'r3', 0).ok).toBe(true);
    expect(limiter.acquire('chat', 'r4', 0)).toEqual({ ok: false, reason: 'rate_limit' });
    expect(limiter.acquire('other', 'r1', 0).ok).toBe(true);
    c.t += 50_000; // the first reply leaves the window
    expect(limiter.acquire('chat', 'r4', 0).ok).toBe(true);
    expect(limiter.acquire('chat', 'r4', 0).ok).toBe(false);
  });

  it('release gives the slot and the cooldown back (the reply was never queued)', () => {
    const limiter = new ReplyLimiter(1, clock().now);
    const first = limiter.acquire('chat', 'r', 60);
    if (!first.ok) throw new Error('expected a slot');
    first.release();
    first.release();
    expect(limiter.acquire('chat', 'r', 60).ok).toBe(true);
    expect(limiter.acquire('chat', 'r', 60)).toEqual({ ok: false, reason: 'cooldown' });
  });

  it('forgets chats once their window and cooldowns are over', () => {
    const c = clock();
    const limiter = new ReplyLimiter(5, c.now);
    for (let i = 0; i < 50; i++) limiter.acquire(`chat${i}`, 'r', 10);
    expect(limiter.size).toBe(50);
    c.t += 61_000;
    limiter.acquire('fresh', 'r', 0);
    expect(limiter.size).toBe(1);
  });
});
