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
  | { type: 'reaction'; emoji: string; target: QuotedRef };

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
