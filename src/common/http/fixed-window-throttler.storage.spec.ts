import { FixedWindowThrottlerStorage } from './fixed-window-throttler.storage';

describe('FixedWindowThrottlerStorage', () => {
  it('counts hits per key and blocks beyond the limit until the block expires', async () => {
    const s = new FixedWindowThrottlerStorage();
    for (let i = 1; i <= 3; i++)
      expect((await s.increment('ip', 60_000, 3, 60_000, 'default')).isBlocked).toBe(false);
    const blocked = await s.increment('ip', 60_000, 3, 60_000, 'default');
    expect(blocked).toMatchObject({ isBlocked: true, totalHits: 4 });
    expect(blocked.timeToBlockExpire).toBeGreaterThan(0);
    expect((await s.increment('other-ip', 60_000, 3, 60_000, 'default')).isBlocked).toBe(false);
    s.onModuleDestroy();
  });

  it('starts a new window after the ttl', async () => {
    const s = new FixedWindowThrottlerStorage();
    await s.increment('ip', 1, 1, 1, 'default');
    await new Promise((r) => setTimeout(r, 5));
    expect((await s.increment('ip', 1, 1, 1, 'default')).totalHits).toBe(1);
    s.onModuleDestroy();
  });
});
