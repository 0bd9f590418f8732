import { proto } from '@whiskeysockets/baileys';

export type MessageKind =
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
  | 'protocol'
  | 'other';

export interface RecordedMessage {
  id: string;
  /** The account (phone digits) whose companion sent it. */
  fromAccount: string;
  /** The companion device id that sent it. */
  fromDevice: number;
  kind: MessageKind;
  text?: string;
  caption?: string;
  fileName?: string;
  mimetype?: string;
  /** Decrypted from the upload and checked against fileSha256. */
  media?: { sha256: string; length: number };
  /** Why the media could not be fetched or verified, if it could not. */
  mediaError?: string;
  latitude?: number;
  longitude?: number;
  vcard?: string;
  displayName?: string;
  quotedId?: string;
  reaction?: { text: string; targetId: string };
  mentions?: string[];
  /** A poll: its question, options, how many may be chosen, and its secret (base64; votes are encrypted with it). */
  poll?: { question: string; options: string[]; selectableCount: number; secret: string };
  /** The sender edited it (epoch ms): `text` is the new text, `edits` the earlier ones. */
  editedAt?: number;
  edits?: { text: string; at: number }[];
  /** The sender deleted it for everyone (epoch ms): its text is gone. */
  revokedAt?: number;
  /** For a message to a group: the group JID. */
  group?: string;
  /** Epoch milliseconds when the sandbox received it. */
  at: number;
  receipts: { deliveredAt?: number; readAt?: number };
  /**
   * How many times this message id reached the contact. A sender that resends an id (after a crash, say) gets
   * its receipts again, but the contact keeps one record, as a WhatsApp client ignores a repeated id.
   */
  timesReceived: number;
  /** The decoded proto.Message as JSON. */
  proto: Record<string, unknown>;
}

export type MediaMessage =
  | proto.Message.IImageMessage
  | proto.Message.IVideoMessage
  | proto.Message.IAudioMessage
  | proto.Message.IDocumentMessage
  | proto.Message.IStickerMessage;

/** Unwraps the containers Baileys puts around real content (device-sent copies, ephemeral, view-once, ...). */
export function unwrapMessage(message: proto.IMessage): proto.IMessage {
  let m = message;
  for (let i = 0; i < 5; i++) {
    const inner =
      m.deviceSentMessage?.message ??
      m.ephemeralMessage?.message ??
      m.viewOnceMessage?.message ??
      m.viewOnceMessageV2?.message ??
      m.documentWithCaptionMessage?.message ??
      m.editedMessage?.message;
    if (!inner) return m;
    m = inner;
  }
  return m;
}

/** Which Baileys media type (for getMediaKeys) a content carries, with its proto. */
export function findMedia(
  m: proto.IMessage,
): { type: 'image' | 'video' | 'audio' | 'document' | 'sticker'; media: MediaMessage } | undefined {
  if (m.imageMessage) return { type: 'image', media: m.imageMessage };
  if (m.videoMessage) return { type: 'video', media: m.videoMessage };
  if (m.audioMessage) return { type: 'audio', media: m.audioMessage };
  if (m.documentMessage) return { type: 'document', media: m.documentMessage };
  if (m.stickerMessage) return { type: 'sticker', media: m.stickerMessage };
  return undefined;
}

/** Builds the recorded view of a decrypted outbound message (media bytes are filled in by the caller). */
export function describeMessage(
  id: string,
  fromAccount: string,
  fromDevice: number,
  message: proto.IMessage,
): RecordedMessage {
  const m = unwrapMessage(message);
  const record: RecordedMessage = {
    id,
    fromAccount,
    fromDevice,
    kind: 'other',
    at: Date.now(),
    receipts: {},
    timesReceived: 1,
    proto: proto.Message.toObject(proto.Message.fromObject(message), {
      longs: Number,
      bytes: String,
      defaults: false,
    }) as Record<string, unknown>,
  };
  const context =
    m.extendedTextMessage?.contextInfo ??
    m.imageMessage?.contextInfo ??
    m.videoMessage?.contextInfo ??
    m.audioMessage?.contextInfo ??
    m.documentMessage?.contextInfo ??
    m.locationMessage?.contextInfo ??
    m.contactMessage?.contextInfo ??
    m.contactsArrayMessage?.contextInfo ??
    undefined;
  if (context?.stanzaId) record.quotedId = context.stanzaId;
  if (context?.mentionedJid?.length) record.mentions = [...context.mentionedJid];

  if (m.conversation != null || m.extendedTextMessage) {
    record.kind = 'text';
    record.text = m.conversation ?? m.extendedTextMessage?.text ?? '';
  } else if (m.imageMessage || m.videoMessage || m.audioMessage || m.documentMessage || m.stickerMessage) {
    const found = findMedia(m)!;
    record.kind = found.type;
    const media = found.media as proto.Message.IDocumentMessage & proto.Message.IImageMessage;
    if (media.caption) record.caption = media.caption;
    if (media.fileName) record.fileName = media.fileName;
    if (media.mimetype) record.mimetype = media.mimetype;
  } else if (m.locationMessage || m.liveLocationMessage) {
    const loc = m.locationMessage ?? m.liveLocationMessage!;
    record.kind = 'location';
    record.latitude = loc.degreesLatitude ?? undefined;
    record.longitude = loc.degreesLongitude ?? undefined;
  } else if (m.contactMessage) {
    record.kind = 'contact';
    record.vcard = m.contactMessage.vcard ?? undefined;
    record.displayName = m.contactMessage.displayName ?? undefined;
  } else if (m.contactsArrayMessage) {
    record.kind = 'contact';
    record.vcard = m.contactsArrayMessage.contacts?.map((c) => c.vcard ?? '').join('\n');
    record.displayName = m.contactsArrayMessage.displayName ?? undefined;
  } else if (m.reactionMessage) {
    record.kind = 'reaction';
    record.reaction = { text: m.reactionMessage.text ?? '', targetId: m.reactionMessage.key?.id ?? '' };
  } else if (m.pollCreationMessage || m.pollCreationMessageV2 || m.pollCreationMessageV3) {
    const poll = (m.pollCreationMessage ?? m.pollCreationMessageV2 ?? m.pollCreationMessageV3)!;
    const secret = message.messageContextInfo?.messageSecret ?? m.messageContextInfo?.messageSecret;
    record.kind = 'poll';
    record.text = poll.name ?? '';
    record.poll = {
      question: poll.name ?? '',
      options: (poll.options ?? []).map((o) => o.optionName ?? ''),
      selectableCount: poll.selectableOptionsCount ?? 0,
      secret: secret ? Buffer.from(secret).toString('base64') : '',
    };
  } else if (m.protocolMessage) {
    record.kind = 'protocol';
  }
  return record;
}
