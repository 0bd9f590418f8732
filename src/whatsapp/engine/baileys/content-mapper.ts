import type {
  AnyMessageContent,
  MiscMessageGenerationOptions,
  WAMessage,
  WAMessageKey,
} from '@whiskeysockets/baileys';
import type { MediaSource, OutgoingContent, QuotedRef, SendOptions } from '../engine.types';

function media(source: MediaSource): Buffer | { url: string } {
  // URLs were checked to be http(s) at the API edge; Baileys would otherwise open any other string as a file.
  return 'url' in source ? { url: source.url } : source.data;
}

function mimeOf(source: MediaSource, fallback?: string): string | undefined {
  return fallback ?? ('mimetype' in source ? source.mimetype : undefined);
}

function keyOf(ref: QuotedRef): WAMessageKey {
  return {
    remoteJid: ref.chatJid,
    id: ref.waMessageId,
    fromMe: ref.fromMe,
    participant: ref.participantJid ?? undefined,
  };
}

/** Our OutgoingContent -> Baileys' message content. */
export function toBaileysContent(content: OutgoingContent): AnyMessageContent {
  switch (content.type) {
    case 'text':
      return { text: content.text, mentions: content.mentions, linkPreview: null } as AnyMessageContent;
    case 'image':
      return {
        image: media(content.media),
        caption: content.caption,
        mimetype: mimeOf(content.media, content.mimetype),
      };
    case 'video':
      return {
        video: media(content.media),
        caption: content.caption,
        gifPlayback: content.gif,
        mimetype: mimeOf(content.media, content.mimetype),
      };
    case 'audio':
      return {
        audio: media(content.media),
        ptt: content.voiceNote ?? false,
        mimetype:
          mimeOf(content.media, content.mimetype) ??
          (content.voiceNote ? 'audio/ogg; codecs=opus' : 'audio/mpeg'),
      };
    case 'document':
      return {
        document: media(content.media),
        mimetype: content.mimetype,
        fileName: content.fileName,
        caption: content.caption,
      };
    case 'location':
      return {
        location: {
          degreesLatitude: content.latitude,
          degreesLongitude: content.longitude,
          name: content.name,
          address: content.address,
        },
      };
    case 'contact':
      return { contacts: { displayName: content.displayName, contacts: [{ vcard: content.vcard }] } };
    case 'reaction':
      return { react: { text: content.emoji, key: keyOf(content.target) } };
    case 'poll':
      return {
        poll: { name: content.question, values: content.options, selectableCount: content.selectableCount },
      };
    case 'edit':
      return { text: content.text, edit: keyOf(content.target) } as AnyMessageContent;
    case 'revoke':
      return { delete: keyOf(content.target) };
  }
}

/** Quoting needs a WAMessage; the key plus the quoted text is what WhatsApp shows. */
export function toSendOptions(options: SendOptions | undefined): MiscMessageGenerationOptions {
  const out: MiscMessageGenerationOptions = {};
  if (options?.waMessageId) out.messageId = options.waMessageId;
  if (options?.quoted) {
    const q = options.quoted;
    out.quoted = { key: keyOf(q), message: { conversation: q.text ?? '' } } as WAMessage;
  }
  return out;
}
