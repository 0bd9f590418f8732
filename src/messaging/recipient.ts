import { BadRequestError } from '../common/errors/domain-error';

/**
 * Turns the API's `to` into a WhatsApp JID: digits with country code (an optional leading "+", spaces and
 * dashes are tolerated) or a full JID (`@s.whatsapp.net`, `@g.us`, `@lid`). Anything else is a 400 that says
 * what is wrong.
 */
export function toJid(to: string): string {
  return fieldToJid(to, 'to');
}

/** toJid for a value the request calls `field` (e.g. the history filter's `chat`): its 400 names that field. */
export function fieldToJid(to: string, field: string): string {
  const value = String(to ?? '').trim();
  const jid =
    /^(\d{5,20})@(s\.whatsapp\.net|lid)$/.exec(value) ?? /^(\d{5,30}(?:-\d{5,15})?)@(g\.us)$/.exec(value);
  if (jid) return value;
  if (value.includes('@')) {
    throw new BadRequestError(
      'Invalid recipient',
      `${field}: a JID must be <digits>@s.whatsapp.net, <digits>@lid or <id>@g.us`,
    );
  }
  const digits = value.replace(/^\+/, '').replace(/[\s-]/g, '');
  if (!/^\d+$/.test(digits)) {
    throw new BadRequestError(
      'Invalid recipient',
      `${field}: use digits with country code (e.g. 6281234567890) or a JID`,
    );
  }
  if (digits.startsWith('0')) {
    throw new BadRequestError(
      'Invalid recipient',
      `${field}: start with the country code (e.g. 62...), not a leading 0`,
    );
  }
  if (digits.length < 8 || digits.length > 15) {
    throw new BadRequestError(
      'Invalid recipient',
      `${field}: a phone number has 8 to 15 digits including the country code`,
    );
  }
  return `${digits}@s.whatsapp.net`;
}

/** The phone digits of a person JID, or null for groups and LIDs. */
export function phoneOfJid(jid: string): string | null {
  return jid.endsWith('@s.whatsapp.net') ? jid.split('@')[0] : null;
}
