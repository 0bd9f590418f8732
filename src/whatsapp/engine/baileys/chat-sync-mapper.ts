import type { ChatSync } from '../engine.types';
import { normalizeJid } from './jid';

/** The fields of a Baileys chat (`chats.upsert`, `chats.update`, `messaging-history.set`) the gateway keeps. */
export interface BaileysChatLike {
  id?: string | null;
  name?: string | null;
  archived?: boolean | null;
  pinned?: number | null;
  muteEndTime?: number | { toNumber(): number } | null;
}

/** Timestamps below this are in seconds (WhatsApp uses both); above, in milliseconds. */
const MS_THRESHOLD = 100_000_000_000;

function muteOf(value: BaileysChatLike['muteEndTime']): number | null | undefined {
  if (value === undefined) return undefined;
  if (value === null) return 0;
  const n = typeof value === 'number' ? value : Number(value.toNumber());
  if (!Number.isFinite(n) || n === 0) return 0;
  if (n < 0) return -1;
  return n < MS_THRESHOLD ? n * 1000 : n;
}

/**
 * Maps Baileys' chat objects to ChatSync. `pinned` is a pin time (null or 0 when unpinned); `muteEndTime` a mute
 * end (null when unmuted: app-state sync sends null, history sync 0). Chats without a usable id, and
 * objects that carry none of these fields, are left out.
 */
export function toChatSyncs(chats: readonly BaileysChatLike[]): ChatSync[] {
  const out: ChatSync[] = [];
  for (const c of chats) {
    if (!c.id || !c.id.includes('@')) continue;
    const sync: ChatSync = { chatJid: normalizeJid(c.id) };
    if (c.name !== undefined) sync.name = c.name || null;
    if (c.archived !== undefined) sync.archived = c.archived === null ? null : !!c.archived;
    if (c.pinned !== undefined) sync.pinned = !!c.pinned;
    const mute = muteOf(c.muteEndTime);
    if (mute !== undefined) sync.mutedUntil = mute;
    if (Object.keys(sync).length > 1) out.push(sync);
  }
  return out;
}
