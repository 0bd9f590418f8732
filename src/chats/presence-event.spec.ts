import { toPresenceEventData } from './presence-event';

describe('toPresenceEventData', () => {
  it('names the chat, the person by phone and LID, and the last seen time', () => {
    expect(
      toPresenceEventData('default', {
        chatJid: '6281234567890@s.whatsapp.net',
        personJid: '6281234567890@s.whatsapp.net',
        personLid: '200000000000001@lid',
        state: 'unavailable',
        lastSeen: 1764000000,
      }),
    ).toEqual({
      session: 'default',
      chat: '6281234567890@s.whatsapp.net',
      chatType: 'direct',
      person: { jid: '6281234567890@s.whatsapp.net', phone: '6281234567890', lid: '200000000000001@lid' },
      state: 'unavailable',
      lastSeen: '2025-11-24T16:00:00.000Z',
    });
  });

  it('leaves out what is not known: a group participant known only by LID', () => {
    expect(
      toPresenceEventData('sales', {
        chatJid: '120363000000000001@g.us',
        personJid: null,
        personLid: '987654321@lid',
        state: 'typing',
        lastSeen: null,
      }),
    ).toMatchObject({
      chatType: 'group',
      person: { jid: null, phone: null, lid: '987654321@lid' },
      lastSeen: null,
    });
  });
});
