import { BadRequestError } from '../common/errors/domain-error';
import { fieldToJid } from '../messaging/recipient';

/** A person the path names: digits with country code, a phone JID, or a LID. */
export interface PersonParam {
  /** The JID to ask WhatsApp about (phone JID, or the LID). */
  jid: string;
  phone: string | null;
  lid: string | null;
}

/** Parses `:phone`: a 400 `{error, details}` for anything that is not a person (a group, a malformed number). */
export function parsePerson(value: string): PersonParam {
  const jid = fieldToJid(value, 'phone');
  if (jid.endsWith('@g.us'))
    throw new BadRequestError(
      'Invalid phone',
      'phone: a person (digits, …@s.whatsapp.net or …@lid), not a group',
    );
  if (jid.endsWith('@lid')) return { jid, phone: null, lid: jid };
  return { jid, phone: jid.split('@')[0], lid: null };
}
