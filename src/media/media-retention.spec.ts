import { retentionCutoff } from './media-retention';

describe('retentionCutoff', () => {
  it('is the given number of days before now', () => {
    expect(retentionCutoff(10 * 86_400_000, 3)).toBe(7 * 86_400_000);
  });

  it('keeps everything with 0 days', () => {
    expect(retentionCutoff(Date.now(), 0)).toBeNull();
  });
});
