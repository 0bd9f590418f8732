import { proto } from '@whiskeysockets/baileys';
import { encryptMedia, type MediaType } from './media-crypto';
import type { MediaServer } from './media-server';

export const DEFAULT_IMAGE = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==',
  'base64',
);

/** Media a contact sends: the plaintext is encrypted and uploaded to the media host, as a phone does. */
export type ContactMedia =
  | { image: { caption?: string; mimetype?: string; bytes?: Buffer } }
  | { video: { caption?: string; mimetype?: string; bytes?: Buffer; seconds?: number } }
  | { audio: { mimetype?: string; bytes?: Buffer; ptt?: boolean; seconds?: number } }
  | { document: { fileName?: string; mimetype?: string; caption?: string; bytes?: Buffer } }
  | { sticker: { mimetype?: string; bytes?: Buffer } };

const DEFAULTS: Record<MediaType, { mimetype: string; bytes: () => Buffer }> = {
  image: { mimetype: 'image/png', bytes: () => DEFAULT_IMAGE },
  video: { mimetype: 'video/mp4', bytes: () => Buffer.from('sandbox video\n') },
  audio: { mimetype: 'audio/ogg; codecs=opus', bytes: () => Buffer.from('sandbox audio\n') },
  document: { mimetype: 'application/octet-stream', bytes: () => Buffer.from('sandbox document\n') },
  sticker: { mimetype: 'image/webp', bytes: () => Buffer.from('sandbox sticker\n') },
};

export function isContactMedia(content: object): content is ContactMedia {
  return ['image', 'video', 'audio', 'document', 'sticker'].some((k) => k in content);
}

/**
 * Encrypts the file with a fresh mediaKey, stores the ciphertext on the media host and returns the message a
 * WhatsApp client sends for it (`url`, `directPath`, `mediaKey`, both hashes, `fileLength`, `mimetype`, ...),
 * with the direct path, so a test can make the host refuse that file later.
 */
export async function buildMediaMessage(
  media: MediaServer,
  content: ContactMedia,
): Promise<{ message: proto.IMessage; directPath: string }> {
  const type = (Object.keys(content) as MediaType[]).find((k) => k in content)!;
  const spec = (content as Record<MediaType, Record<string, unknown>>)[type];
  const bytes = (spec.bytes as Buffer | undefined) ?? DEFAULTS[type].bytes();
  const enc = await encryptMedia(type, bytes);
  const directPath = media.put(enc.file);
  const common = {
    url: media.url(directPath),
    directPath,
    mimetype: (spec.mimetype as string | undefined) ?? DEFAULTS[type].mimetype,
    mediaKey: enc.mediaKey,
    fileSha256: enc.fileSha256,
    fileEncSha256: enc.fileEncSha256,
    fileLength: bytes.length,
    mediaKeyTimestamp: Math.floor(Date.now() / 1000),
  };
  const caption = spec.caption as string | undefined;
  const seconds = spec.seconds as number | undefined;
  let message: proto.IMessage;
  if (type === 'image') message = { imageMessage: { ...common, caption } };
  else if (type === 'video') message = { videoMessage: { ...common, caption, seconds } };
  else if (type === 'audio') message = { audioMessage: { ...common, ptt: Boolean(spec.ptt), seconds } };
  else if (type === 'sticker') message = { stickerMessage: { ...common } };
  else
    message = {
      documentMessage: {
        ...common,
        caption,
        fileName: (spec.fileName as string | undefined) ?? 'document.bin',
      },
    };
  return { message, directPath };
}
