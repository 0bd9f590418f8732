import { extractMessageContent, getContentType, proto, WAMessage } from '@whiskeysockets/baileys';
import type { InboundMessage, MediaDownloadRef, MediaInfo, MediaKind, MessageType } from '../engine.types';
import { changeOf, pollOf } from './change-mapper';
import { chatTypeOf, lidOf, normalizeJid, phoneOf } from './jid';

const MEDIA_TYPES: Record<string, MessageType> = {
  imageMessage: 'image',
  videoMessage: 'video',
  audioMessage: 'audio',
  documentMessage: 'document',
  stickerMessage: 'sticker',
};

function num(v: unknown): number | null {
  if (v == null) return null;
  const n = typeof v === 'object' && v && 'toNumber' in v ? (v as any).toNumber() : Number(v);
  return Number.isFinite(n) ? n : null;
}

function mediaInfo(key: string, m: any): MediaInfo {
  return {
    mimetype: m.mimetype ?? null,
    fileName: m.fileName ?? null,
    size: num(m.fileLength),
    seconds: m.seconds ?? null,
    voiceNote: key === 'audioMessage' ? Boolean(m.ptt) : undefined,
    width: m.width ?? null,
    height: m.height ?? null,
  };
}

function b64(v: unknown): string | null {
  if (v == null) return null;
  if (typeof v === 'string') return v || null;
  if (v instanceof Uint8Array) return v.length ? Buffer.from(v).toString('base64') : null;
  return null;
}

/** The download reference of a media message; undefined without a media key or a place to fetch it from. */
function mediaDownload(kind: MediaKind, m: any): MediaDownloadRef | undefined {
  const mediaKey = b64(m.mediaKey);
  const directPath: string | null = m.directPath || null;
  const url: string | null = m.url || null;
  if (!mediaKey || (!directPath && !url)) return undefined;
  return {
    kind,
    directPath,
    url,
    mediaKey,
    fileSha256: b64(m.fileSha256),
    fileEncSha256: b64(m.fileEncSha256),
    fileLength: num(m.fileLength),
  };
}

/**
 * Maps one Baileys WAMessage to our InboundMessage, or null when it carries nothing to store (no content, other
 * stubs, protocol bookkeeping). A message that could not be decrypted maps to type `undecryptable`. An edit, a
 * revoke, a reaction or a poll vote maps to a message with `change` set (its target is updated, no row of its
 * own): it comes through here, like any message, so it is stored before WhatsApp gets its receipt.
 */
export function toInboundMessage(msg: WAMessage): InboundMessage | null {
  const key = msg.key;
  if (!key?.id || !key.remoteJid) return null;
  if (isUndecryptable(msg)) return undecryptable(msg);
  if (!msg.message || msg.messageStubType) return null;
  const content = extractMessageContent(msg.message) as proto.IMessage | undefined;
  if (!content) return null;
  const kind = getContentType(content);
  if (!kind || kind === 'senderKeyDistributionMessage' || kind === 'messageContextInfo') return null;
  const env = envelope(msg);
  if (CHANGE_KINDS.has(kind)) {
    const change = changeOf(kind, content, env.timestamp, env.fromMe);
    return change
      ? { ...env, ...noContent(change.kind === 'reaction' ? 'reaction' : 'unknown'), change }
      : null;
  }
  return { ...env, ...contentOf(kind, content) };
}

/**
 * A message Baileys could not decrypt (a CIPHERTEXT stub): stored as such, so that it is neither lost nor
 * acknowledged as if its content had been kept. Messages from the account's own phone (peer protocol messages)
 * are not chat messages and are left out.
 */
function isUndecryptable(msg: WAMessage): boolean {
  return (
    msg.messageStubType === proto.WebMessageInfo.StubType.CIPHERTEXT &&
    (msg as { category?: string }).category !== 'peer'
  );
}

const CHANGE_KINDS = new Set(['protocolMessage', 'reactionMessage', 'pollUpdateMessage']);

function noContent(type: MessageType): Content {
  return { type, text: null, quotedMessageId: null, media: null, location: null, reaction: null };
}

function undecryptable(msg: WAMessage): InboundMessage {
  return {
    ...envelope(msg),
    type: 'undecryptable',
    text: null,
    quotedMessageId: null,
    media: null,
    location: null,
    reaction: null,
    undecryptable: String(msg.messageStubParameters?.[0] ?? 'could not be decrypted'),
  };
}

type Envelope = Pick<
  InboundMessage,
  | 'waMessageId'
  | 'chatJid'
  | 'chatType'
  | 'fromMe'
  | 'senderJid'
  | 'senderPhone'
  | 'senderLid'
  | 'pushName'
  | 'timestamp'
  | 'system'
>;

/** Who sent it, where and when. */
function envelope(msg: WAMessage): Envelope {
  const key = msg.key;
  const chatJid = normalizeJid(key.remoteJid!);
  const chatType = chatTypeOf(chatJid);
  const fromMe = Boolean(key.fromMe);
  const k = key as any;
  // In groups the sender is `participant`; in DMs the chat itself. The *Alt fields carry the other addressing
  // (PN when the primary is a LID and vice versa).
  const primary: string | null = chatType === 'group' ? (key.participant ?? null) : fromMe ? null : chatJid;
  const alt: string | null =
    chatType === 'group' ? (k.participantAlt ?? null) : fromMe ? null : (k.remoteJidAlt ?? null);
  const senderJid = primary ? normalizeJid(primary) : null;
  const senderPhone = phoneOf(primary) ?? phoneOf(alt);
  const senderLid = lidOf(primary) ?? lidOf(alt);
  return {
    waMessageId: key.id!,
    chatJid,
    chatType,
    fromMe,
    senderJid,
    senderPhone,
    senderLid,
    pushName: msg.pushName ?? null,
    timestamp: num(msg.messageTimestamp) ?? Math.floor(Date.now() / 1000),
    system: chatJid === 'status@broadcast' || chatType === 'newsletter',
  };
}

type Content = Pick<
  InboundMessage,
  'type' | 'text' | 'quotedMessageId' | 'media' | 'mediaDownload' | 'location' | 'reaction' | 'poll'
>;

/** What the message says. */
function contentOf(kind: string, content: proto.IMessage): Content {
  const c = content as any;
  const inner = c[kind] ?? {};
  let type: MessageType = MEDIA_TYPES[kind] ?? 'unknown';
  let text: string | null = null;
  let media: MediaInfo | null = null;
  let download: MediaDownloadRef | undefined;
  let location: InboundMessage['location'] = null;

  if (kind === 'conversation') {
    type = 'text';
    text = c.conversation ?? '';
  } else if (kind === 'extendedTextMessage') {
    type = 'text';
    text = inner.text ?? '';
  } else if (MEDIA_TYPES[kind]) {
    media = mediaInfo(kind, inner);
    download = mediaDownload(type as MediaKind, inner);
    text = inner.caption ?? null;
  } else if (kind === 'locationMessage' || kind === 'liveLocationMessage') {
    type = 'location';
    location = {
      latitude: inner.degreesLatitude,
      longitude: inner.degreesLongitude,
      name: inner.name ?? null,
    };
  } else if (kind === 'contactMessage' || kind === 'contactsArrayMessage') {
    type = 'contact';
    text = inner.displayName ?? null;
  }
  const poll = pollOf(kind, content);
  if (poll) {
    type = 'poll';
    text = poll.question;
  }

  const quotedMessageId: string | null = inner?.contextInfo?.stanzaId ?? null;
  return {
    type,
    text,
    quotedMessageId,
    media,
    ...(download ? { mediaDownload: download } : {}),
    location,
    reaction: null,
    ...(poll ? { poll } : {}),
  };
}
