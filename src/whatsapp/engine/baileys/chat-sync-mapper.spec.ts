import { toChatSyncs } from './chat-sync-mapper';

describe('toChatSyncs', () => {
  it('maps archive, pin, mute and name, keeping only what the update carries', () => {
    expect(
      toChatSyncs([
        { id: '6281234567890:3@s.whatsapp.net', archived: true },
        { id: '120363000000000001@g.us', pinned: 1_700_000_000, name: 'Tim' },
        { id: '6281234567891@s.whatsapp.net', pinned: null, muteEndTime: null },
      ]),
    ).toEqual([
      { chatJid: '6281234567890@s.whatsapp.net', archived: true },
      { chatJid: '120363000000000001@g.us', pinned: true, name: 'Tim' },
      { chatJid: '6281234567891@s.whatsapp.net', pinned: false, mutedUntil: 0 },
    ]);
  });

  it('reads mute ends in seconds or milliseconds, and "forever"', () => {
    const mute = (muteEndTime: any) => toChatSyncs([{ id: '1@s.whatsapp.net', muteEndTime }])[0].mutedUntil;
    expect(mute(1_800_000_000)).toBe(1_800_000_000_000);
    expect(mute(1_800_000_000_000)).toBe(1_800_000_000_000);
    expect(mute({ toNumber: () => 1_800_000_000 })).toBe(1_800_000_000_000);
    expect(mute(-1)).toBe(-1);
    expect(mute(0)).toBe(0);
  });

  it('leaves out chats without an id or without a field it keeps', () => {
    expect(
      toChatSyncs([{ id: null, archived: true }, { id: 'x@s.whatsapp.net' }, { id: 'nonsense' }]),
    ).toEqual([]);
  });
});
