import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { getMediaKeys } from '@whiskeysockets/baileys';

export type MediaType = 'image' | 'video' | 'audio' | 'document' | 'sticker';

const sha256 = (data: Buffer): Buffer => createHash('sha256').update(data).digest();

export interface EncryptedMedia {
  mediaKey: Buffer;
  /** AES-256-CBC ciphertext followed by the first 10 bytes of its HMAC, as WhatsApp stores it. */
  file: Buffer;
  fileSha256: Buffer;
  fileEncSha256: Buffer;
}

/** Encrypts media the way a WhatsApp client does before uploading (Baileys `encryptedStream`). */
export async function encryptMedia(type: MediaType, plaintext: Buffer): Promise<EncryptedMedia> {
  const mediaKey = randomBytes(32);
  const { iv, cipherKey, macKey } = await getMediaKeys(mediaKey, type);
  const cipher = createCipheriv('aes-256-cbc', cipherKey, iv);
  const enc = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const mac = createHmac('sha256', macKey!).update(iv).update(enc).digest().subarray(0, 10);
  const file = Buffer.concat([enc, mac]);
  return { mediaKey, file, fileSha256: sha256(plaintext), fileEncSha256: sha256(file) };
}

export class MediaIntegrityError extends Error {}

/** Decrypts an uploaded file with the message's mediaKey and checks the MAC and both hashes. */
export async function decryptMedia(
  type: MediaType,
  file: Buffer,
  mediaKey: Uint8Array,
  expected: { fileSha256?: Uint8Array | null; fileEncSha256?: Uint8Array | null },
): Promise<Buffer> {
  if (expected.fileEncSha256 && !sha256(file).equals(Buffer.from(expected.fileEncSha256))) {
    throw new MediaIntegrityError('fileEncSha256 does not match the upload');
  }
  const { iv, cipherKey, macKey } = await getMediaKeys(mediaKey, type);
  const enc = file.subarray(0, file.length - 10);
  const mac = createHmac('sha256', macKey!).update(iv).update(enc).digest().subarray(0, 10);
  if (!mac.equals(file.subarray(file.length - 10))) throw new MediaIntegrityError('media MAC mismatch');
  const decipher = createDecipheriv('aes-256-cbc', cipherKey, iv);
  const plaintext = Buffer.concat([decipher.update(enc), decipher.final()]);
  if (expected.fileSha256 && !sha256(plaintext).equals(Buffer.from(expected.fileSha256))) {
    throw new MediaIntegrityError('fileSha256 does not match the decrypted bytes');
  }
  return plaintext;
}

export const sha256Hex = (data: Buffer): string => sha256(data).toString('hex');
