import type { MessageEntity } from '../message.entity';

/** Who made a change (a contact, or the account itself: `fromMe`). */
export interface ChangeAuthor {
  phone: string | null;
  jid: string | null;
  lid: string | null;
  fromMe: boolean;
}

/** One edit in a message's trail: the text it replaced and when. */
export interface EditEntry {
  previousText: string | null;
  editedAt: string;
  /** WhatsApp id of the edit message (null for an edit made through the API before WhatsApp answered). */
  waMessageId: string | null;
}

export interface ReactionEntry {
  emoji: string;
  from: ChangeAuthor;
  at: string;
  waMessageId: string;
}

export interface PollVoteEntry {
  voter: ChangeAuthor;
  options: string[];
  at: string;
  waMessageId: string;
}

type Details = Record<string, unknown> & {
  edits?: EditEntry[];
  reactions?: ReactionEntry[];
  pollVotes?: PollVoteEntry[];
  poll?: { question: string; options: string[]; selectableCount: number };
};

const iso = (ms: number) => new Date(ms).toISOString();

export function parseDetails(row: Pick<MessageEntity, 'details'>): Details {
  const parsed = row.details ? (JSON.parse(row.details) as Details | null) : null;
  return parsed && typeof parsed === 'object' ? parsed : {};
}

const stringify = (d: Details): string | null => (Object.keys(d).length ? JSON.stringify(d) : null);

/** One person, whichever addresses are known (a stable key for "their" reaction or vote). */
export function authorKey(a: ChangeAuthor): string {
  return a.fromMe ? 'me' : (a.jid ?? a.lid ?? a.phone ?? 'unknown');
}

/** The row's text replaced by `text`, the old one kept in the trail; null if this edit is there already. */
export function applyEdit(
  row: MessageEntity,
  edit: { text: string; editedAt: number; waMessageId: string | null },
): { patch: Partial<MessageEntity>; previousText: string | null } | null {
  const details = parseDetails(row);
  const edits = details.edits ?? [];
  if (edit.waMessageId && edits.some((e) => e.waMessageId === edit.waMessageId)) return null;
  edits.push({ previousText: row.text, editedAt: iso(edit.editedAt), waMessageId: edit.waMessageId });
  details.edits = edits;
  return {
    patch: { text: edit.text, editedAt: edit.editedAt, details: stringify(details) },
    previousText: row.text,
  };
}

/** Marks the row revoked; its text and details go unless `keepContent`. Null if it was revoked already. */
export function applyRevoke(
  row: MessageEntity,
  revokedAt: number,
  keepContent: boolean,
): Partial<MessageEntity> | null {
  if (row.revokedAt != null) return null;
  if (keepContent) return { revokedAt };
  return { revokedAt, text: null, details: null };
}

/**
 * The author's reaction set to `emoji` (one per person; an empty emoji removes theirs). Returns the patch and
 * the emoji it replaced, or null when nothing changes (the same reaction again, or removing none).
 */
export function applyReaction(
  row: MessageEntity,
  reaction: { emoji: string; from: ChangeAuthor; at: number; waMessageId: string },
): { patch: Partial<MessageEntity>; previousEmoji: string | null } | null {
  const details = parseDetails(row);
  const reactions = details.reactions ?? [];
  const key = authorKey(reaction.from);
  const index = reactions.findIndex((r) => authorKey(r.from) === key);
  const previous = index >= 0 ? reactions[index] : null;
  if (previous?.waMessageId === reaction.waMessageId) return null;
  if (!previous && !reaction.emoji) return null;
  if (index >= 0) reactions.splice(index, 1);
  if (reaction.emoji)
    reactions.push({
      emoji: reaction.emoji,
      from: reaction.from,
      at: iso(reaction.at),
      waMessageId: reaction.waMessageId,
    });
  if (reactions.length) details.reactions = reactions;
  else delete details.reactions;
  return { patch: { details: stringify(details) }, previousEmoji: previous?.emoji ?? null };
}

/** The voter's choice replaced by `options` (a newer vote replaces theirs); null if this vote is there already. */
export function applyVote(
  row: MessageEntity,
  vote: { voter: ChangeAuthor; options: string[]; at: number; waMessageId: string },
): Partial<MessageEntity> | null {
  const details = parseDetails(row);
  const votes = details.pollVotes ?? [];
  const key = authorKey(vote.voter);
  const previous = votes.find((v) => authorKey(v.voter) === key);
  if (previous?.waMessageId === vote.waMessageId) return null;
  // A vote older than the one kept (delivered late, after a redelivery) does not replace it.
  if (previous && Date.parse(previous.at) > vote.at) return null;
  const others = votes.filter((v) => authorKey(v.voter) !== key);
  details.pollVotes = [
    ...others,
    { voter: vote.voter, options: vote.options, at: iso(vote.at), waMessageId: vote.waMessageId },
  ];
  return { details: stringify(details) };
}

export interface PollOptionTally {
  option: string;
  votes: number;
  voters: ChangeAuthor[];
}

/** The poll's options with their counts and voters (for the message's view). */
export function pollTally(details: Details): PollOptionTally[] | null {
  if (!details.poll) return null;
  const votes = details.pollVotes ?? [];
  return details.poll.options.map((option) => {
    const voters = votes.filter((v) => v.options.includes(option)).map((v) => v.voter);
    return { option, votes: voters.length, voters };
  });
}
