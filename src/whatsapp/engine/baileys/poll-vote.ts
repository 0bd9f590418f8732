import { decryptPollVote as baileysDecryptPollVote } from '@whiskeysockets/baileys';
import { createHash } from 'node:crypto';
import type { EncryptedPollVote, PollVoteContext } from '../engine.types';

const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * Opens a poll vote with Baileys' `decryptPollVote`. The key derivation names the poll's creator and the voter
 * as the voter's client addressed them, a phone JID or a LID, so each known form is tried (AES-GCM refuses the
 * wrong ones). Returns the chosen options' names (options the poll does not have are left out), or null.
 */
export function openPollVote(vote: EncryptedPollVote, ctx: PollVoteContext): string[] | null {
  const encPayload = Buffer.from(vote.encPayload, 'base64');
  const encIv = Buffer.from(vote.encIv, 'base64');
  const pollEncKey = Buffer.from(ctx.secret, 'base64');
  for (const pollCreatorJid of ctx.creatorJids)
    for (const voterJid of ctx.voterJids) {
      let selected: Uint8Array[];
      try {
        selected = baileysDecryptPollVote(
          { encPayload, encIv },
          { pollCreatorJid, pollMsgId: ctx.pollId, pollEncKey, voterJid },
        ).selectedOptions;
      } catch {
        continue;
      }
      const byHash = new Map(ctx.options.map((name) => [sha256Hex(name), name]));
      return selected
        .map((hash) => byHash.get(Buffer.from(hash).toString('hex')))
        .filter((name): name is string => name !== undefined);
    }
  return null;
}
