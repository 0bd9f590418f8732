import type { AppConfig } from '../../config/app-config';
import type { ContactLookup } from '../../whatsapp/engine/engine.types';
import { isNotOnWhatsApp, RecipientCheck } from './recipient-check';

const config = (ttl = 60_000, enabled = true) =>
  ({ SEND_RECIPIENT_CHECK: enabled, SEND_RECIPIENT_CACHE_TTL_MS: ttl }) as AppConfig;

/** A connection whose lookup says numbers starting with 999 do not exist, and counts the questions. */
function connection(fail = false) {
  const asked: string[] = [];
  return {
    asked,
    lookup: async (phone: string): Promise<ContactLookup> => {
      asked.push(phone);
      await new Promise((r) => setImmediate(r));
      if (fail) throw new Error('connection closed');
      const exists = !phone.startsWith('999');
      return { phone, exists, jid: exists ? `${phone}@s.whatsapp.net` : null, lid: null };
    },
  };
}

describe('RecipientCheck', () => {
  it('refuses a number without an account, with a reason that says so', async () => {
    const check = new RecipientCheck(config());
    const conn = connection();
    const refusal = await check.refusal('s', conn, '9991234567@s.whatsapp.net');
    expect(refusal).toBe('Recipient not on WhatsApp: 9991234567 has no WhatsApp account');
    expect(isNotOnWhatsApp(refusal)).toBe(true);
    expect(await check.refusal('s', conn, '6281234567890@s.whatsapp.net')).toBeNull();
  });

  it('asks once per number and session, also for concurrent sends, both answers cached', async () => {
    const check = new RecipientCheck(config());
    const conn = connection();
    await Promise.all(Array.from({ length: 5 }, () => check.refusal('s', conn, '9991234567@s.whatsapp.net')));
    await check.refusal('s', conn, '9991234567@s.whatsapp.net');
    await check.refusal('s', conn, '6281234567890@s.whatsapp.net');
    await check.refusal('s', conn, '6281234567890@s.whatsapp.net');
    expect(conn.asked).toEqual(['9991234567', '6281234567890']);
    await check.refusal('other', conn, '9991234567@s.whatsapp.net');
    expect(conn.asked).toHaveLength(3);
  });

  it('asks again once the answer is older than the TTL', async () => {
    const check = new RecipientCheck(config(0));
    const conn = connection();
    await check.refusal('s', conn, '9991234567@s.whatsapp.net');
    await check.refusal('s', conn, '9991234567@s.whatsapp.net');
    expect(conn.asked).toHaveLength(2);
  });

  it('lets the message go when the lookup fails, and does not remember the failure', async () => {
    const check = new RecipientCheck(config());
    const conn = connection(true);
    expect(await check.refusal('s', conn, '9991234567@s.whatsapp.net')).toBeNull();
    expect(await check.refusal('s', conn, '9991234567@s.whatsapp.net')).toBeNull();
    expect(conn.asked).toHaveLength(2);
  });

  it('does not check groups, LIDs and broadcasts, nor anything when turned off', async () => {
    const conn = connection();
    const check = new RecipientCheck(config());
    for (const jid of ['999123-456@g.us', '99912345@lid', 'status@broadcast'])
      expect(await check.refusal('s', conn, jid)).toBeNull();
    expect(
      await new RecipientCheck(config(60_000, false)).refusal('s', conn, '999123456@s.whatsapp.net'),
    ).toBeNull();
    expect(conn.asked).toEqual([]);
  });
});
