import { DomainError } from '../common/errors/domain-error';
import { inviteCodeOf, toGroupJid } from './group-id';
import { groupRefusal, participantReason } from './group-refusal';
import { WhatsAppRefused } from '../whatsapp/engine/engine-errors';

describe('group ids and refusals', () => {
  it('takes a group JID or its id, and refuses anything else with a 400', () => {
    expect(toGroupJid('120363000000000001@g.us')).toBe('120363000000000001@g.us');
    expect(toGroupJid('120363000000000001')).toBe('120363000000000001@g.us');
    expect(toGroupJid('6281234567890-1600000000')).toBe('6281234567890-1600000000@g.us');
    for (const bad of ['6281234567890@s.whatsapp.net', 'abc', '', '1@g.us'])
      expect(() => toGroupJid(bad)).toThrow(expect.objectContaining({ status: 400 }));
  });

  it('takes an invite code alone or as its link', () => {
    expect(inviteCodeOf('https://chat.whatsapp.com/HbCdEfGhIjKlMnOpQrStUv')).toBe('HbCdEfGhIjKlMnOpQrStUv');
    expect(inviteCodeOf('HbCdEfGhIjKlMnOpQrStUv')).toBe('HbCdEfGhIjKlMnOpQrStUv');
    expect(() => inviteCodeOf('not a code!')).toThrow(expect.objectContaining({ status: 400 }));
  });

  it("maps WhatsApp's refusals to 4xx with a reason, other errors unchanged", () => {
    const status = (code: number) =>
      (groupRefusal(new WhatsAppRefused(code, 'x'), 'g@g.us') as DomainError).status;
    expect([404, 406, 401, 403, 400, 500].map(status)).toEqual([404, 404, 403, 403, 400, 502]);
    const other = new Error('boom');
    expect(groupRefusal(other, null)).toBe(other);
    expect(participantReason('add', 403)).toBe('privacy settings do not allow it');
    expect(participantReason('remove', 404)).toBe('not in the group');
    expect(participantReason('add', 200)).toBeNull();
  });
});
