import { attemptResult } from './attempt-events';

describe('attemptResult', () => {
  it('names how an attempt left its delivery', () => {
    expect(attemptResult({ success: true, retryAt: null })).toBe('delivered');
    expect(attemptResult({ success: false, retryAt: Date.now() + 5000 })).toBe('retrying');
    expect(attemptResult({ success: false, retryAt: null })).toBe('failed');
  });
});
