import type { ChatRow } from './chat.store';
import type { ChatView } from './dto/chat-list.dto';

/** A preview is cut to this many characters. */
const PREVIEW_CHARS = 120;

const iso = (ms: number) => new Date(ms).toISOString();

export function preview(text: string | null): string | null {
  if (text == null) return null;
  const chars = [...text.replace(/\s+/g, ' ').trim()];
  return chars.length > PREVIEW_CHARS ? chars.slice(0, PREVIEW_CHARS - 1).join('') + '…' : chars.join('');
}

/**
 * WhatsApp's mute end: a time in ms, -1 for "until unmuted", 0 or null for not muted. `muted` is null while
 * WhatsApp never said.
 */
export function muteOf(mutedUntil: number | null, now: number): Pick<ChatView, 'muted' | 'mutedUntil'> {
  if (mutedUntil == null) return { muted: null, mutedUntil: null };
  if (mutedUntil === -1) return { muted: true, mutedUntil: null };
  const muted = mutedUntil > now;
  return { muted, mutedUntil: muted ? iso(mutedUntil) : null };
}

export function toChatView(r: ChatRow, now: number): ChatView {
  return {
    chat: r.chatJid,
    chatType: r.last.chatType,
    name: r.name ?? r.pushName,
    lastActivityAt: iso(r.lastAt),
    lastMessage: {
      id: r.last.id,
      waMessageId: r.last.waMessageId,
      direction: r.last.direction,
      fromMe: r.last.fromMe,
      type: r.last.type,
      preview: preview(r.last.text),
      status: r.last.status,
      timestamp: r.last.waTimestamp == null ? null : iso(r.last.waTimestamp * 1000),
      createdAt: iso(r.last.createdAt),
    },
    unreadCount: r.unreadCount,
    archived: r.archived,
    pinned: r.pinned,
    ...muteOf(r.mutedUntil, now),
  };
}
