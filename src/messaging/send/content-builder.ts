import { BadRequestError } from '../../common/errors/domain-error';
import type { OutgoingContent } from '../../whatsapp/engine/engine.types';
import type { MediaInputDto, SendMessageDto } from '../dto/send-message.dto';
import { toJid } from '../recipient';
import type { StoredMedia, StoredRequest } from './stored-request';

function storedMedia(field: string, input: MediaInputDto, maxBytes: number, mimetype?: string): StoredMedia {
  if (input.url && input.base64)
    throw new BadRequestError('Validation failed', `${field}: give either url or base64, not both`);
  if (input.url) return { url: input.url, mimetype: mimetype ?? input.mimetype };
  if (!input.base64) throw new BadRequestError('Validation failed', `${field}: give url or base64`);
  const mime = mimetype ?? input.mimetype;
  if (!mime) throw new BadRequestError('Validation failed', `${field}.mimetype is required with base64`);
  const bytes = Math.floor((input.base64.replace(/[\r\n=]/g, '').length * 3) / 4);
  if (bytes === 0) throw new BadRequestError('Validation failed', `${field}.base64 is empty`);
  if (bytes > maxBytes) {
    throw new BadRequestError(
      'Media too large',
      `${field} is ${bytes} bytes; the limit is ${maxBytes} bytes`,
    );
  }
  return { base64: input.base64.replace(/[\r\n]/g, ''), mimetype: mime };
}

function vcardFor(name: string, phone: string): string {
  const digits = phone.replace(/^\+/, '');
  return `BEGIN:VCARD\nVERSION:3.0\nFN:${name}\nTEL;type=CELL;waid=${digits}:+${digits}\nEND:VCARD`;
}

/** The validated DTO -> what the queue stores (recipient JID and content; quoted refs are resolved later). */
export function toStoredRequest(dto: SendMessageDto, maxMediaBytes: number): Omit<StoredRequest, 'quoted'> {
  const to = toJid(dto.to);
  let content: StoredRequest['content'];
  switch (dto.type) {
    case 'text':
      content = { type: 'text', text: dto.text, mentions: dto.mentions?.map(toJid) };
      break;
    case 'image':
      content = {
        type: 'image',
        media: storedMedia('image', dto.image, maxMediaBytes),
        caption: dto.caption,
      };
      break;
    case 'video':
      content = {
        type: 'video',
        media: storedMedia('video', dto.video, maxMediaBytes),
        caption: dto.caption,
        gif: dto.gif,
      };
      break;
    case 'audio':
      content = {
        type: 'audio',
        media: storedMedia('audio', dto.audio, maxMediaBytes),
        voiceNote: dto.voiceNote,
      };
      break;
    case 'document': {
      const mimetype = dto.mimetype ?? dto.document.mimetype;
      if (!mimetype)
        throw new BadRequestError('Validation failed', 'mimetype (or document.mimetype) is required');
      content = {
        type: 'document',
        media: storedMedia('document', dto.document, maxMediaBytes, mimetype),
        mimetype,
        fileName: dto.fileName,
        caption: dto.caption,
      };
      break;
    }
    case 'location':
      content = { type: 'location', ...dto.location };
      break;
    case 'contact': {
      const { name, phone, vcard } = dto.contact;
      if (!vcard && !phone) throw new BadRequestError('Validation failed', 'contact: give vcard or phone');
      content = { type: 'contact', displayName: name, vcard: vcard ?? vcardFor(name, phone!) };
      break;
    }
    case 'reaction':
      // The target is resolved against the history when the request is accepted.
      content = {
        type: 'reaction',
        emoji: dto.reaction.emoji,
        target: { waMessageId: dto.reaction.messageId, chatJid: to, fromMe: false },
      };
      break;
    case 'poll': {
      const { question, options, selectableCount = 1 } = dto.poll;
      if (selectableCount > options.length)
        throw new BadRequestError(
          'Validation failed',
          `poll.selectableCount (${selectableCount}) is more than the ${options.length} options`,
        );
      content = { type: 'poll', question, options, selectableCount };
      break;
    }
  }
  return { to, content };
}

/** Media's text summary for the history (`text` column): caption, file name or coordinates. */
export function summaryText(content: OutgoingContent | StoredRequest['content']): string | null {
  switch (content.type) {
    case 'text':
      return content.text;
    case 'image':
    case 'video':
      return content.caption ?? null;
    case 'document':
      return content.caption ?? content.fileName;
    case 'contact':
      return content.displayName;
    case 'reaction':
      return content.emoji;
    case 'poll':
      return content.question;
    case 'location':
      return content.name ?? `${content.latitude},${content.longitude}`;
    default:
      return null;
  }
}

/** The `details` column of a queued message: media metadata, coordinates, contact card, reaction, mentions. */
export function detailsOf(content: StoredRequest['content']): Record<string, unknown> | null {
  switch (content.type) {
    case 'image':
    case 'video':
    case 'audio':
    case 'document': {
      const m = content.media;
      const size = 'base64' in m ? Math.floor((m.base64.replace(/=+$/, '').length * 3) / 4) : null;
      return {
        media: {
          mimetype: m.mimetype ?? ('mimetype' in content ? content.mimetype : null) ?? null,
          fileName: content.type === 'document' ? content.fileName : null,
          size,
          url: 'url' in m ? m.url : null,
          voiceNote: content.type === 'audio' ? Boolean(content.voiceNote) : undefined,
        },
      };
    }
    case 'location':
      return {
        location: { latitude: content.latitude, longitude: content.longitude, name: content.name ?? null },
      };
    case 'contact':
      return { contact: { displayName: content.displayName, vcard: content.vcard } };
    case 'reaction':
      return { reaction: { emoji: content.emoji, targetId: content.target.waMessageId } };
    case 'text':
      return content.mentions?.length ? { mentions: content.mentions } : null;
    case 'poll':
      return {
        poll: {
          question: content.question,
          options: content.options,
          selectableCount: content.selectableCount,
        },
      };
    case 'edit':
    case 'revoke':
      return null;
  }
}
