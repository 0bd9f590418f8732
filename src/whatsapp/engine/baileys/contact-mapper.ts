import type { ContactInfo } from '../engine.types';
import { lidOf, normalizeJid, phoneOf } from './jid';

/** A Baileys `Contact` (or a partial one from `contacts.update`), as far as the mapper reads it. */
export interface BaileysContactLike {
  id?: string | null;
  lid?: string | null;
  phoneNumber?: string | null;
  name?: string | null;
  notify?: string | null;
  verifiedName?: string | null;
}

const personJid = (jid: string | null | undefined): string | null =>
  jid && phoneOf(jid) ? normalizeJid(jid) : null;

/**
 * Maps a Baileys contact to ours: `id` is a phone JID or a LID, `lid` / `phoneNumber` the other one when
 * WhatsApp gave it. Null for anything that is not a person (groups, newsletters, broadcasts).
 */
export function toContactInfo(c: BaileysContactLike): ContactInfo | null {
  const phoneJid = personJid(c.id) ?? personJid(c.phoneNumber);
  const lid = lidOf(c.id) ?? lidOf(c.lid);
  if (!phoneJid && !lid) return null;
  const info: ContactInfo = { phoneJid, lid };
  if (c.name) info.name = c.name;
  if (c.notify) info.pushName = c.notify;
  if (c.verifiedName) info.verifiedName = c.verifiedName;
  return info;
}

/** Mappings Baileys stored (`{lid, pn}`; either side may be given as the other, as Baileys accepts). */
export function mappingsToContacts(pairs: { lid: string; pn: string }[]): ContactInfo[] {
  const out: ContactInfo[] = [];
  for (const { lid, pn } of pairs) {
    const [l, p] = lidOf(lid) ? [lid, pn] : [pn, lid];
    const info = toContactInfo({ id: p, lid: l });
    if (info?.lid && info.phoneJid) out.push(info);
  }
  return out;
}
