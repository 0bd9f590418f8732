/**
 * A run of 10 to 15 digits (an E.164 number, optionally after `+`) standing on its own or at the start of a JID
 * (`6281234567890@s.whatsapp.net`, `6281234567890:12@s.whatsapp.net`). Digits glued to letters, `-` or `_`
 * (UUIDs, message ids) are left alone.
 */
const PHONE = /(?<![\w-])(\+?)(\d{5})(\d{1,6})(\d{4})(?![\w-])/g;

/**
 * Masks every phone number in a text, keeping the country/operator prefix (first 5 digits) and the last 4:
 * `6281234567890` -> `62812****7890`. Pure; used on every log line.
 */
export function maskPhones(text: string): string {
  return text.replace(PHONE, (_all, plus: string, head: string, _middle: string, tail: string) => {
    return `${plus}${head}****${tail}`;
  });
}
