import { nextSendDelay } from './pacing';

describe('nextSendDelay', () => {
  it('waits out the minimum interval plus jitter since the last send', () => {
    expect(nextSendDelay(1000, 1200, 1000, 0)).toBe(800);
    expect(nextSendDelay(1000, 1200, 1000, 500, () => 1)).toBe(1300);
    expect(nextSendDelay(1000, 5000, 1000, 500, () => 1)).toBe(0);
  });

  it('is zero when pacing is off', () => {
    expect(nextSendDelay(Date.now(), Date.now(), 0, 0)).toBe(0);
  });
});
