/**
 * The WhatsApp engine's domain types. Nothing here knows Baileys: the adapter in `baileys/` maps its types to
 * these, so the rest of the gateway (and a future second engine) speaks only this language.
 */

export type SessionStatus = 'starting' | 'qr_ready' | 'connected' | 'disconnected' | 'logged_out';

export type ChatType = 'direct' | 'group' | 'broadcast' | 'newsletter';

export type MessageType =
  | 'text'
  | 'image'
  | 'video'
  | 'audio'
  | 'document'
  | 'sticker'
  | 'location'
  | 'contact'
  | 'reaction'
  | 'poll'
  | 'undecryptable'
  | 'unknown';

/** Who the linked account is. */
export interface AccountIdentity {
  phone: string;
  jid: string;
  lid: string | null;
  name: string | null;
}

export interface MediaInfo {
  mimetype: string | null;
  fileName: string | null;
  size: number | null;
  seconds?: number | null;
  voiceNote?: boolean;
  width?: number | null;
  height?: number | null;
}

export type MediaKind = 'image' | 'video' | 'audio' | 'document' | 'sticker';

/**
 * What it takes to fetch an incoming message's file from WhatsApp's media host and decrypt it (WhatsApp stores
 * it encrypted; the key travels in the end-to-end encrypted message). Binary fields are base64. Secret: it is
 * kept apart from the message's public details.
 */
export interface MediaDownloadRef {
  kind: MediaKind;
  directPath: string | null;
  url: string | null;
  mediaKey: string;
  fileSha256: string | null;
  fileEncSha256: string | null;
  fileLength: number | null;
}

/** A message as WhatsApp delivered it, normalised. */
export interface InboundMessage {
  waMessageId: string;
  chatJid: string;
  chatType: ChatType;
  fromMe: boolean;
  senderJid: string | null;
  senderPhone: string | null;
  senderLid: string | null;
  pushName: string | null;
  type: MessageType;
  text: string | null;
  quotedMessageId: string | null;
  media: MediaInfo | null;
  /** How to download the message's file (media messages that carry a media key). */
  mediaDownload?: MediaDownloadRef;
  location: { latitude: number; longitude: number; name?: string | null } | null;
  reaction: { text: string; targetId: string } | null;
  timestamp: number; // unix seconds
  /** True for system/protocol messages a gateway should store but never answer (stubs, protocol notices). */
  system: boolean;
  /**
   * Why the message could not be decrypted (type `undecryptable`, no content). WhatsApp asks the sender's
   * device to send it again; if that copy decrypts, it arrives again with the same id and its content.
   */
  undecryptable?: string;
  /**
   * Set when the message changes an earlier one instead of being one itself (an edit, a revoke, a reaction, a
   * poll vote): it is applied to its target, never stored as a message of its own.
   */
  change?: MessageChange;
  /** A poll's question, options and how many may be chosen (type `poll`). */
  poll?: PollInfo;
}

export interface PollInfo {
  question: string;
  options: string[];
  /** 1: a single choice; 0 or more than 1: several. */
  selectableCount: number;
}

/** A vote as WhatsApp carries it: encrypted with the poll's secret (binary fields base64). */
export interface EncryptedPollVote {
  encPayload: string;
  encIv: string;
}

/** What a change message does to its target (`targetId`: the WhatsApp id of the target message). */
export type MessageChange =
  | { kind: 'edit'; targetId: string; text: string; editedAt: number }
  | { kind: 'revoke'; targetId: string; revokedAt: number }
  /** An empty emoji removes the sender's reaction. `targetFromMe`: the target was sent by the account. */
  | { kind: 'reaction'; targetId: string; targetFromMe: boolean; emoji: string; reactedAt: number }
  | { kind: 'poll_vote'; targetId: string; vote: EncryptedPollVote; votedAt: number };

/** Who could have encrypted a vote, in the forms WhatsApp may have used (phone JID or LID). */
export interface PollVoteContext {
  pollId: string;
  /** The poll's secret (base64). */
  secret: string;
  creatorJids: string[];
  voterJids: string[];
  /** The poll's options: a vote names them by their SHA-256. */
  options: string[];
}

/** What to send; one shape per kind (validated at the API edge). */
export type MediaSource = { url: string } | { data: Buffer; mimetype: string };

export type OutgoingContent =
  | { type: 'text'; text: string; mentions?: string[] }
  | { type: 'image'; media: MediaSource; caption?: string; mimetype?: string }
  | { type: 'video'; media: MediaSource; caption?: string; mimetype?: string; gif?: boolean }
  | { type: 'audio'; media: MediaSource; mimetype?: string; voiceNote?: boolean }
  | { type: 'document'; media: MediaSource; mimetype: string; fileName: string; caption?: string }
  | { type: 'location'; latitude: number; longitude: number; name?: string; address?: string }
  | { type: 'contact'; displayName: string; vcard: string }
  | { type: 'reaction'; emoji: string; target: QuotedRef }
  | { type: 'poll'; question: string; options: string[]; selectableCount: number }
  /** Replaces the text of a text message the account sent. */
  | { type: 'edit'; text: string; target: QuotedRef }
  /** Deletes a message the account sent, for everyone. */
  | { type: 'revoke'; target: QuotedRef };

/** Enough about an earlier message to quote it or react to it. */
export interface QuotedRef {
  waMessageId: string;
  chatJid: string;
  fromMe: boolean;
  participantJid?: string | null;
  text?: string | null;
}

export interface SendOptions {
  quoted?: QuotedRef;
  /** The WhatsApp message id to use, so a retried send after a crash cannot produce a second message. */
  waMessageId?: string;
}

export interface SendResult {
  waMessageId: string;
  timestamp: number;
  /** The message's secret (base64), for messages whose later updates are encrypted with it (polls). */
  messageSecret?: string;
}

export type ReceiptStatus = 'delivered' | 'read' | 'played' | 'failed';

export interface Receipt {
  waMessageId: string;
  chatJid: string;
  status: ReceiptStatus;
  timestamp: number;
  error?: string;
  /** A group member's receipt: who (their JID). */
  participantJid?: string | null;
}

export interface ContactLookup {
  phone: string;
  exists: boolean;
  jid: string | null;
  lid: string | null;
}

/** Why a connection closed, classified; the session lifecycle decides what to do from `kind`. */
export type CloseKind =
  | 'restart_required'
  | 'logged_out'
  | 'connection_replaced'
  | 'qr_expired'
  | 'banned'
  | 'stopped'
  /** The network path to WhatsApp failed (refused, DNS, timeout): `message` says how, e.g. `ECONNREFUSED 1.2.3.4:443`. */
  | 'unreachable'
  /** WhatsApp refused the client's WhatsApp Web version as too old (405 at login). */
  | 'client_outdated'
  | 'transient';

/** A WhatsApp Web version, e.g. [2, 3000, 1023456789]: the client says it at login, WhatsApp refuses old ones. */
export type WaVersion = [number, number, number];

export interface CloseInfo {
  kind: CloseKind;
  code: number | null;
  message: string;
}

/** What the account shows in a chat while composing: typing, recording a voice note, or neither any more. */
export type ChatState = 'typing' | 'recording' | 'paused';

/** The account's own online state. */
export type OwnPresence = 'available' | 'unavailable';

/** A message to mark read: its WhatsApp id, and in groups who sent it. */
export interface ReadTarget {
  waMessageId: string;
  participantJid?: string | null;
}

/** A contact's presence as WhatsApp relays it to a subscriber (presence or chat state). */
export interface PresenceUpdate {
  /** The chat it concerns (the contact's own chat, or a group). */
  chatJid: string;
  /** The person: their phone JID when known, and their LID when known. */
  personJid: string | null;
  personLid: string | null;
  state: OwnPresence | ChatState;
  /** Unix seconds of the person's last seen time, when WhatsApp gives it (with `unavailable`). */
  lastSeen: number | null;
}

/**
 * What WhatsApp told about a person: their phone JID and LID (either may be unknown; both together are a
 * mapping), and the names it gave. An absent name field means "not said", not "cleared".
 */
export interface ContactInfo {
  phoneJid: string | null;
  lid: string | null;
  /** The name the account's own address book gives them (app-state sync). */
  name?: string | null;
  /** The name they chose for themselves (push name). */
  pushName?: string | null;
  /** A WhatsApp Business account's verified name. */
  verifiedName?: string | null;
}

/** A person on the account's block list: phone JID and LID, whichever are known. */
export interface BlockedPerson {
  phoneJid: string | null;
  lid: string | null;
}

/**
 * What WhatsApp's sync (history sync, app-state sync) says about a chat. A field left out was not part of the
 * update; null means WhatsApp cleared it.
 */
export interface ChatSync {
  chatJid: string;
  name?: string | null;
  archived?: boolean | null;
  pinned?: boolean | null;
  /** Muted until then (epoch ms), -1 without end, 0 not muted. */
  mutedUntil?: number | null;
}
