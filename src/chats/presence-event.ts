import type { ChatType, PresenceUpdate } from '../whatsapp/engine/engine.types';

/** The `data` of a `presence.update` event (webhook, Socket.IO). */
export interface PresenceEventData {
  session: string;
  /** The chat it concerns: the person's own chat, or a group. */
  chat: string;
  chatType: ChatType;
  /** Who: their phone JID and digits when known, their LID when known. */
  person: { jid: string | null; phone: string | null; lid: string | null };
  state: PresenceUpdate['state'];
  /** ISO time the person was last seen, when WhatsApp tells it (with `unavailable`). */
  lastSeen: string | null;
}

function chatTypeOf(jid: string): ChatType {
  if (jid.endsWith('@g.us')) return 'group';
  if (jid.endsWith('@newsletter')) return 'newsletter';
  if (jid.endsWith('@broadcast')) return 'broadcast';
  return 'direct';
}

export function toPresenceEventData(session: string, u: PresenceUpdate): PresenceEventData {
  return {
    session,
    chat: u.chatJid,
    chatType: chatTypeOf(u.chatJid),
    person: {
      jid: u.personJid,
      phone: u.personJid?.endsWith('@s.whatsapp.net') ? u.personJid.split('@')[0] : null,
      lid: u.personLid,
    },
    state: u.state,
    lastSeen: u.lastSeen ? new Date(u.lastSeen * 1000).toISOString() : null,
  };
}
