import type { ChatWalk } from './chat.store';

/** The chat list's cursor: the walk's snapshot seq and the key of the last chat shown, opaque to clients. */
export function encodeChatCursor(walk: ChatWalk): string {
  return Buffer.from(`w${walk.snapshotSeq}.${walk.beforeKey ?? ''}`).toString('base64url');
}

/** The walk a cursor stands for, or null if it is not one of ours. */
export function decodeChatCursor(cursor: string): ChatWalk | null {
  const m = /^w(\d{1,15})\.(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!m) return null;
  const walk = { snapshotSeq: Number(m[1]), beforeKey: Number(m[2]) };
  return walk.beforeKey <= walk.snapshotSeq ? walk : null;
}
