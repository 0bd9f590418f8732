import type { ChangeAuthor, PollOptionTally } from './change-details';

/** The person who made a change, as events show them. */
export interface ChangeAuthorView extends ChangeAuthor {
  pushName: string | null;
}

/** Common to the change events: the changed message (`id` null when the gateway does not have it). */
interface ChangedMessage {
  id: string | null;
  session: string;
  /** WhatsApp id of the changed message. */
  waMessageId: string;
  chat: string;
}

/** `data` of `message.edited`. */
export interface MessageEditedData extends ChangedMessage {
  from: ChangeAuthorView;
  text: string;
  /** The text before this edit (null when the message is unknown). */
  previousText: string | null;
  editedAt: string;
}

/** `data` of `message.revoked`. */
export interface MessageRevokedData extends ChangedMessage {
  from: ChangeAuthorView;
  revokedAt: string;
}

/** `data` of `message.reaction`. */
export interface MessageReactionData extends ChangedMessage {
  from: ChangeAuthorView;
  /** The reaction now; empty when it was removed. */
  emoji: string;
  removed: boolean;
  /** The emoji this person had on the message before, if any. */
  previousEmoji: string | null;
  reactedAt: string;
}

/** `data` of `poll.vote`. */
export interface PollVoteData extends ChangedMessage {
  voter: ChangeAuthorView;
  /** The options this voter chose; empty when they withdrew their vote. Replaces their earlier vote. */
  options: string[];
  votedAt: string;
  /** Every option of the poll with its votes, after this one. */
  tally: PollOptionTally[];
}
