import type { MessageEntity } from '../message.entity';
import {
  applyEdit,
  applyReaction,
  applyRevoke,
  applyVote,
  ChangeAuthor,
  parseDetails,
  pollTally,
} from './change-details';

const row = (patch: Partial<MessageEntity> = {}): MessageEntity =>
  ({ text: 'helo', details: null, revokedAt: null, editedAt: null, ...patch }) as MessageEntity;
const budi: ChangeAuthor = { phone: '6281', jid: '6281@s.whatsapp.net', lid: null, fromMe: false };
const sari: ChangeAuthor = { phone: '6282', jid: '6282@s.whatsapp.net', lid: null, fromMe: false };

describe('message changes', () => {
  it('keeps the trail of edits, and applies a redelivered edit once', () => {
    const first = applyEdit(row(), { text: 'hello', editedAt: 1_000, waMessageId: 'E1' })!;
    expect(first.previousText).toBe('helo');
    const edited = row(first.patch);
    expect(edited).toMatchObject({ text: 'hello', editedAt: 1_000 });
    expect(applyEdit(edited, { text: 'hello', editedAt: 1_000, waMessageId: 'E1' })).toBeNull();
    const second = applyEdit(edited, { text: 'hello!', editedAt: 2_000, waMessageId: 'E2' })!;
    expect(parseDetails(second.patch as MessageEntity).edits).toEqual([
      { previousText: 'helo', editedAt: new Date(1_000).toISOString(), waMessageId: 'E1' },
      { previousText: 'hello', editedAt: new Date(2_000).toISOString(), waMessageId: 'E2' },
    ]);
  });

  it('removes the content of a revoked message unless it is kept, once', () => {
    const withMedia = row({ details: JSON.stringify({ media: { mimetype: 'image/jpeg' } }) });
    expect(applyRevoke(withMedia, 5, false)).toEqual({ revokedAt: 5, text: null, details: null });
    expect(applyRevoke(withMedia, 5, true)).toEqual({ revokedAt: 5 });
    expect(applyRevoke(row({ revokedAt: 4 }), 5, false)).toBeNull();
  });

  it('keeps one reaction per person; an empty emoji removes it', () => {
    const a = applyReaction(row(), { emoji: '👍', from: budi, at: 1, waMessageId: 'R1' })!;
    expect(a.previousEmoji).toBeNull();
    const b = applyReaction(row(a.patch), { emoji: '🎉', from: sari, at: 2, waMessageId: 'R2' })!;
    const c = applyReaction(row(b.patch), { emoji: '❤️', from: budi, at: 3, waMessageId: 'R3' })!;
    expect(c.previousEmoji).toBe('👍');
    expect(parseDetails(c.patch as MessageEntity).reactions!.map((r) => [r.from.phone, r.emoji])).toEqual([
      ['6282', '🎉'],
      ['6281', '❤️'],
    ]);
    expect(applyReaction(row(c.patch), { emoji: '❤️', from: budi, at: 3, waMessageId: 'R3' })).toBeNull();
    const removed = applyReaction(row(c.patch), { emoji: '', from: sari, at: 4, waMessageId: 'R4' })!;
    expect(removed.previousEmoji).toBe('🎉');
    expect(parseDetails(removed.patch as MessageEntity).reactions!.map((r) => r.emoji)).toEqual(['❤️']);
    expect(applyReaction(row(), { emoji: '', from: sari, at: 5, waMessageId: 'R5' })).toBeNull();
  });

  it("tallies a poll, a person's newer vote replacing their earlier one, an older one ignored", () => {
    const poll = row({
      details: JSON.stringify({ poll: { question: 'Day?', options: ['Mon', 'Tue'], selectableCount: 1 } }),
    });
    let details = applyVote(poll, { voter: budi, options: ['Mon'], at: 1_000, waMessageId: 'V1' })!.details;
    details = applyVote(row({ details }), {
      voter: sari,
      options: ['Mon'],
      at: 1_500,
      waMessageId: 'V2',
    })!.details;
    details = applyVote(row({ details }), {
      voter: budi,
      options: ['Tue'],
      at: 2_000,
      waMessageId: 'V3',
    })!.details;
    expect(
      applyVote(row({ details }), { voter: budi, options: ['Mon'], at: 500, waMessageId: 'V0' }),
    ).toBeNull();
    expect(
      applyVote(row({ details }), { voter: budi, options: ['Tue'], at: 2_000, waMessageId: 'V3' }),
    ).toBeNull();
    expect(pollTally(parseDetails({ details: details ?? null }))).toEqual([
      { option: 'Mon', votes: 1, voters: [sari] },
      { option: 'Tue', votes: 1, voters: [budi] },
    ]);
    expect(pollTally({})).toBeNull();
  });
});
