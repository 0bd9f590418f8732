import { decodeChatCursor, encodeChatCursor } from './chat-cursor';

describe('chat list cursor', () => {
  it('round-trips a walk', () => {
    const walk = { snapshotSeq: 1234, beforeKey: 567 };
    expect(decodeChatCursor(encodeChatCursor(walk))).toEqual(walk);
  });

  it('refuses what is not a cursor of ours', () => {
    expect(decodeChatCursor('abc')).toBeNull();
    expect(decodeChatCursor(Buffer.from('s12').toString('base64url'))).toBeNull();
    expect(decodeChatCursor(Buffer.from('w12.').toString('base64url'))).toBeNull();
    // A key past the snapshot cannot come from a page.
    expect(decodeChatCursor(Buffer.from('w12.13').toString('base64url'))).toBeNull();
  });
});
