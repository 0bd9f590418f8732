import { randomBytes } from 'node:crypto';
import { pollVoteMessage } from '../../../sandbox/contact-changes';
import type { RecordedMessage } from '../../../sandbox/message-record';
import { openPollVote } from './poll-vote';

const secret = randomBytes(32).toString('base64');
const poll = {
  id: '3EB0POLL00000001',
  fromAccount: '6280000000001',
  kind: 'poll',
  poll: { question: 'Day?', options: ['Mon', 'Tue', 'Fri'], selectableCount: 0, secret },
} as RecordedMessage;

function voteOf(options: string[]) {
  const vote = pollVoteMessage(poll, '6281234567890', options).pollUpdateMessage!.vote!;
  return {
    encPayload: Buffer.from(vote.encPayload!).toString('base64'),
    encIv: Buffer.from(vote.encIv!).toString('base64'),
  };
}

const context = {
  pollId: poll.id,
  secret,
  // the LID forms come first: each form is tried until one opens the vote
  creatorJids: ['100000000000001@lid', '6280000000001@s.whatsapp.net'],
  voterJids: ['100000000000002@lid', '6281234567890@s.whatsapp.net'],
  options: poll.poll!.options,
};

describe('openPollVote', () => {
  it("opens a vote encrypted with the poll's secret, trying each form of the JIDs", () => {
    expect(openPollVote(voteOf(['Tue', 'Fri']), context)).toEqual(['Tue', 'Fri']);
    expect(openPollVote(voteOf([]), context)).toEqual([]);
  });

  it('answers null for another secret or voter', () => {
    expect(
      openPollVote(voteOf(['Mon']), { ...context, secret: randomBytes(32).toString('base64') }),
    ).toBeNull();
    expect(
      openPollVote(voteOf(['Mon']), { ...context, voterJids: ['6289999999999@s.whatsapp.net'] }),
    ).toBeNull();
  });
});
