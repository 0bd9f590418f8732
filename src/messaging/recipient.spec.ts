import { DomainError } from '../common/errors/domain-error';
import { fieldToJid, toJid } from './recipient';

describe('toJid', () => {
  it.each([
    ['6281234567890', '6281234567890@s.whatsapp.net'],
    ['+62 812-3456-7890', '6281234567890@s.whatsapp.net'],
    ['6281234567890@s.whatsapp.net', '6281234567890@s.whatsapp.net'],
    ['120363025246125888@g.us', '120363025246125888@g.us'],
    ['6281234567890-1612345678@g.us', '6281234567890-1612345678@g.us'],
    ['100000000000001@lid', '100000000000001@lid'],
  ])('%s -> %s', (input, jid) => expect(toJid(input)).toBe(jid));

  it.each([
    ['081234567890', 'country code'],
    ['12345', '8 to 15 digits'],
    ['hello', 'digits with country code'],
    ['62812@example.com', 'a JID must be'],
    ['', 'digits with country code'],
  ])('refuses %p with a clear reason', (input, reason) => {
    try {
      toJid(input);
      throw new Error('accepted');
    } catch (err) {
      expect(err).toBeInstanceOf(DomainError);
      expect((err as DomainError).status).toBe(400);
      expect(String((err as DomainError).details)).toContain(reason);
    }
  });

  it('names the field it was given (a history filter is `chat`, not `to`)', () => {
    expect(() => fieldToJid('hello', 'chat')).toThrow(
      expect.objectContaining({
        details: 'chat: use digits with country code (e.g. 6281234567890) or a JID',
      }),
    );
    expect(() => toJid('hello')).toThrow(
      expect.objectContaining({ details: expect.stringMatching(/^to: /) }),
    );
  });
});
