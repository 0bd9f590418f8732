import type { BinaryNode } from '@whiskeysockets/baileys';
import type { PresenceUpdate } from '../engine.types';
import { normalizeJid } from './jid';

/** A presence update before the person's other identity (phone JID or LID) is looked up. */
export type MappedPresence = Omit<PresenceUpdate, 'personJid' | 'personLid'> & { personJid: string };

/**
 * Maps a `<presence>` or `<chatstate>` WhatsApp relays to a subscriber:
 * `<presence from type="unavailable" last="1700000000">` (no type: available; `last="deny"`: hidden),
 * `<chatstate from [participant]><composing/></chatstate>` (`media="audio"`: recording) or `<paused/>`.
 * Baileys' own `presence.update` event reports `paused` as `available`; this keeps it. Null for nodes that
 * carry no presence (subscription answers without a sender, unknown children).
 */
export function toPresence(node: BinaryNode): MappedPresence | null {
  const from = node.attrs.from;
  if (!from || !from.includes('@') || from === 's.whatsapp.net') return null;
  const chatJid = normalizeJid(from);
  const personJid = normalizeJid(node.attrs.participant || from);
  if (node.tag === 'presence') {
    const { type, last } = node.attrs;
    if (type && type !== 'available' && type !== 'unavailable') return null;
    const seconds = last && /^\d+$/.test(last) ? Number(last) : null;
    return type === 'unavailable'
      ? { chatJid, personJid, state: 'unavailable', lastSeen: seconds && seconds > 0 ? seconds : null }
      : { chatJid, personJid, state: 'available', lastSeen: null };
  }
  if (node.tag !== 'chatstate' || !Array.isArray(node.content)) return null;
  const child = node.content[0];
  if (child?.tag === 'composing')
    return {
      chatJid,
      personJid,
      state: child.attrs?.media === 'audio' ? 'recording' : 'typing',
      lastSeen: null,
    };
  if (child?.tag === 'paused') return { chatJid, personJid, state: 'paused', lastSeen: null };
  return null;
}
