import { mappingsToContacts, toContactInfo } from './contact-mapper';

describe('toContactInfo', () => {
  it('takes the phone JID and the LID from id, lid and phoneNumber, and the names WhatsApp gave', () => {
    expect(
      toContactInfo({
        id: '200000000000001@lid',
        phoneNumber: '6281234567890:3@s.whatsapp.net',
        notify: 'Budi',
      }),
    ).toEqual({ phoneJid: '6281234567890@s.whatsapp.net', lid: '200000000000001@lid', pushName: 'Budi' });
    expect(
      toContactInfo({ id: '6281234567890@s.whatsapp.net', name: 'Budi Kantor', verifiedName: 'Toko Budi' }),
    ).toEqual({
      phoneJid: '6281234567890@s.whatsapp.net',
      lid: null,
      name: 'Budi Kantor',
      verifiedName: 'Toko Budi',
    });
  });

  it('leaves out groups and broadcasts', () => {
    expect(toContactInfo({ id: '120363000000000001@g.us', name: 'Team' })).toBeNull();
    expect(toContactInfo({ id: 'status@broadcast' })).toBeNull();
  });
});

describe('mappingsToContacts', () => {
  it('accepts either order of a pair, without devices, and skips invalid pairs', () => {
    expect(
      mappingsToContacts([
        { lid: '200000000000001:2@lid', pn: '6281234567890:2@s.whatsapp.net' },
        { lid: '6281234567891@s.whatsapp.net', pn: '200000000000002@lid' },
        { lid: '120363@g.us', pn: '6281234567892@s.whatsapp.net' },
      ]),
    ).toEqual([
      { phoneJid: '6281234567890@s.whatsapp.net', lid: '200000000000001@lid' },
      { phoneJid: '6281234567891@s.whatsapp.net', lid: '200000000000002@lid' },
    ]);
  });
});
