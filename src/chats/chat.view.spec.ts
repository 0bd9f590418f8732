import { muteOf, preview } from './chat.view';

describe('chat view', () => {
  it('previews text on one line, cut with an ellipsis', () => {
    expect(preview(null)).toBeNull();
    expect(preview(' hi\n there ')).toBe('hi there');
    const long = 'x'.repeat(200);
    expect(preview(long)).toBe('x'.repeat(119) + '…');
    expect([...preview('😀'.repeat(130))!].length).toBe(120);
  });

  it('tells muted from unknown', () => {
    const now = 1_700_000_000_000;
    expect(muteOf(null, now)).toEqual({ muted: null, mutedUntil: null });
    expect(muteOf(0, now)).toEqual({ muted: false, mutedUntil: null });
    expect(muteOf(-1, now)).toEqual({ muted: true, mutedUntil: null });
    expect(muteOf(now + 1000, now)).toEqual({ muted: true, mutedUntil: new Date(now + 1000).toISOString() });
    expect(muteOf(now - 1000, now)).toEqual({ muted: false, mutedUntil: null });
  });
});
