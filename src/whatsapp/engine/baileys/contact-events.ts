import type { WASocket } from '@whiskeysockets/baileys';
import type { ContactInfo } from '../engine.types';
import { mappingsToContacts, toContactInfo, type BaileysContactLike } from './contact-mapper';

/**
 * Reports what WhatsApp tells the socket about people: `contacts.upsert` / `contacts.update` (address-book
 * names from app-state sync, push names, verified business names), the contacts of history sync, and every
 * phone ↔ LID mapping Baileys stores.
 *
 * Baileys emits `lid-mapping.update` for only a few of its mapping sources; most (a message's `sender_pn` /
 * `participant_pn`, a usync `<lid>` answer, history sync's `phoneNumberToLidMappings`, the LID migration sync)
 * go straight to `signalRepository.lidMapping.storeLIDPNMappings`. That method is the one place they all pass,
 * so it is wrapped: the mappings are reported once Baileys has stored them, which is before it decrypts the
 * message that carried them.
 */
export function watchContacts(sock: WASocket, notify: (contacts: ContactInfo[]) => void): void {
  const report = (list: (ContactInfo | null)[]) => {
    const contacts = list.filter((c): c is ContactInfo => c !== null);
    if (contacts.length) notify(contacts);
  };
  const mapping = sock.signalRepository.lidMapping;
  const store = mapping.storeLIDPNMappings.bind(mapping);
  mapping.storeLIDPNMappings = async (pairs) => {
    await store(pairs);
    report(mappingsToContacts(pairs));
  };
  sock.ev.on('contacts.upsert', (contacts) => report(contacts.map((c) => toContactInfo(c))));
  sock.ev.on('contacts.update', (updates) =>
    report(updates.map((c) => toContactInfo(c as BaileysContactLike))),
  );
  sock.ev.on('messaging-history.set', ({ contacts }) => report(contacts.map((c) => toContactInfo(c))));
}
