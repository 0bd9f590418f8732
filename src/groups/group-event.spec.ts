import { toGroupEvent } from './group-event';

const G = '120363000000000001@g.us';
const A = '6281230000101@s.whatsapp.net';
const ME = '6281230000001@s.whatsapp.net';
const p = (jid: string) => ({ jid, phone: jid.split('@')[0], lid: null });

describe('toGroupEvent', () => {
  it('the account added or creating is group.join; removed or leaving is group.leave', () => {
    expect(toGroupEvent('s', { kind: 'join', groupJid: G, subject: 'Team', author: A })).toEqual({
      type: 'group.join',
      data: { session: 's', group: G, subject: 'Team', by: { jid: A, phone: '6281230000101' } },
    });
    const base = { kind: 'participants' as const, groupJid: G, participants: [p(ME)], includesMe: true };
    expect(toGroupEvent('s', { ...base, action: 'add', author: A }).type).toBe('group.join');
    expect(toGroupEvent('s', { ...base, action: 'remove', author: A }).data).toMatchObject({
      reason: 'removed',
    });
    expect(toGroupEvent('s', { ...base, action: 'leave', author: ME }).data).toMatchObject({
      reason: 'left',
    });
  });

  it("others' changes are group.participants with who did it; settings and subject are group.update", () => {
    expect(
      toGroupEvent('s', {
        kind: 'participants',
        groupJid: G,
        action: 'promote',
        participants: [p(A)],
        author: ME,
        includesMe: false,
      }),
    ).toEqual({
      type: 'group.participants',
      data: {
        session: 's',
        group: G,
        action: 'promote',
        participants: [p(A)],
        by: { jid: ME, phone: '6281230000001' },
      },
    });
    expect(
      toGroupEvent('s', {
        kind: 'update',
        groupJid: G,
        changes: { subject: 'New', locked: true },
        author: null,
      }),
    ).toEqual({
      type: 'group.update',
      data: { session: 's', group: G, changes: { subject: 'New', locked: true }, by: null },
    });
  });
});
