import { parsePerson } from './person-param';

describe('parsePerson', () => {
  it('takes digits, a phone JID or a LID', () => {
    expect(parsePerson('+62 812-3456-7890')).toEqual({
      jid: '6281234567890@s.whatsapp.net',
      phone: '6281234567890',
      lid: null,
    });
    expect(parsePerson('200000000000001@lid')).toEqual({
      jid: '200000000000001@lid',
      phone: null,
      lid: '200000000000001@lid',
    });
  });

  it('refuses groups and malformed numbers with a 400 that names the field', () => {
    expect(() => parsePerson('120363000000000001@g.us')).toThrow(/not a group/);
    expect(() => parsePerson('0812345678')).toThrow(/phone: start with the country code/);
    expect(() => parsePerson('abc')).toThrow(/phone: use digits/);
  });
});
