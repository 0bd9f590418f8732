import { toPresence } from './presence-mapper';

const contact = '6281234567890@s.whatsapp.net';

describe('toPresence', () => {
  it('maps online and offline, with the last seen time when WhatsApp gives it', () => {
    expect(toPresence({ tag: 'presence', attrs: { from: contact } })).toEqual({
      chatJid: contact,
      personJid: contact,
      state: 'available',
      lastSeen: null,
    });
    expect(
      toPresence({ tag: 'presence', attrs: { from: contact, type: 'unavailable', last: '1764000000' } }),
    ).toMatchObject({ state: 'unavailable', lastSeen: 1764000000 });
    expect(
      toPresence({ tag: 'presence', attrs: { from: contact, type: 'unavailable', last: 'deny' } }),
    ).toMatchObject({ state: 'unavailable', lastSeen: null });
  });

  it('keeps typing, recording and paused apart', () => {
    const state = (child: { tag: string; attrs: Record<string, string> }) =>
      toPresence({ tag: 'chatstate', attrs: { from: contact }, content: [child] })?.state;
    expect(state({ tag: 'composing', attrs: {} })).toBe('typing');
    expect(state({ tag: 'composing', attrs: { media: 'audio' } })).toBe('recording');
    expect(state({ tag: 'paused', attrs: {} })).toBe('paused');
    expect(state({ tag: 'unknown', attrs: {} })).toBeUndefined();
  });

  it('names the group as the chat and the participant as the person', () => {
    const group = '120363000000000001@g.us';
    expect(
      toPresence({
        tag: 'chatstate',
        attrs: { from: group, participant: '987654321@lid' },
        content: [{ tag: 'composing', attrs: {} }],
      }),
    ).toEqual({ chatJid: group, personJid: '987654321@lid', state: 'typing', lastSeen: null });
  });

  it('ignores what is not a person’s presence', () => {
    expect(toPresence({ tag: 'presence', attrs: { from: 's.whatsapp.net' } })).toBeNull();
    expect(toPresence({ tag: 'presence', attrs: {} })).toBeNull();
    expect(toPresence({ tag: 'presence', attrs: { from: contact, type: 'subscribe' } })).toBeNull();
    expect(toPresence({ tag: 'chatstate', attrs: { from: contact } })).toBeNull();
  });
});
