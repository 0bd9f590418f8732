import type { ChatType } from '../engine.types';

/** JID helpers without Baileys types, shared by the mappers. */
export function phoneOf(jid: string | null | undefined): string | null {
  if (!jid || !jid.endsWith('@s.whatsapp.net')) return null;
  return jid.split('@')[0].split(':')[0] || null;
}

export function lidOf(jid: string | null | undefined): string | null {
  if (!jid || !jid.endsWith('@lid')) return null;
  const [user] = jid.split('@');
  return `${user.split(':')[0]}@lid`;
}

/** Strips the device part: `628123:7@s.whatsapp.net` -> `628123@s.whatsapp.net`. */
export function normalizeJid(jid: string): string {
  const [user, server] = jid.split('@');
  return `${user.split(':')[0]}@${server}`;
}

export function chatTypeOf(jid: string): ChatType {
  if (jid.endsWith('@g.us')) return 'group';
  if (jid.endsWith('@newsletter')) return 'newsletter';
  if (jid.endsWith('@broadcast')) return 'broadcast';
  return 'direct';
}
