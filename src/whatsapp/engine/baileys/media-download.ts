import { createHash } from 'node:crypto';
import { downloadContentFromMessage } from '@whiskeysockets/baileys';
import type { MediaDownloadRef } from '../engine.types';
import { MediaDownloadFailed, reasonForStatus } from '../media-download-failed';

export interface MediaDownloadOptions {
  maxBytes: number;
  /** The media host to fetch from (`host:port`); default: the host of the message's url, else WhatsApp's. */
  host?: string;
  /** fetch's dispatcher (an undici Agent), e.g. one that trusts the sandbox's certificate. */
  dispatcher?: unknown;
}

function httpStatusOf(err: unknown): number | null {
  const e = err as { output?: { statusCode?: unknown }; status?: unknown; data?: { statusCode?: unknown } };
  const status = e?.output?.statusCode ?? e?.status;
  return typeof status === 'number' ? status : null;
}

/**
 * Downloads and decrypts an incoming message's file with Baileys (`downloadContentFromMessage`: AES-256-CBC
 * with keys expanded from the message's mediaKey by HKDF), reading no more than `maxBytes`, and checks the
 * plaintext against the message's `fileSha256`.
 */
export async function downloadMedia(ref: MediaDownloadRef, o: MediaDownloadOptions): Promise<Buffer> {
  if (ref.fileLength != null && ref.fileLength > o.maxBytes) {
    throw new MediaDownloadFailed(
      'too_large',
      `the file has ${ref.fileLength} bytes, the limit is ${o.maxBytes}`,
    );
  }
  let stream: AsyncIterable<Buffer> & { destroy(): void };
  try {
    stream = await downloadContentFromMessage(
      {
        mediaKey: Buffer.from(ref.mediaKey, 'base64'),
        directPath: ref.directPath ?? undefined,
        url: ref.url ?? undefined,
      },
      ref.kind,
      {
        ...(o.host ? { host: o.host } : {}),
        options: o.dispatcher ? ({ dispatcher: o.dispatcher } as RequestInit) : {},
      },
    );
  } catch (err) {
    const status = httpStatusOf(err);
    if (status) throw new MediaDownloadFailed(reasonForStatus(status), `the media host answered ${status}`);
    throw new MediaDownloadFailed(
      'unreachable',
      `the media host could not be reached: ${(err as Error).message}`,
    );
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      size += chunk.length;
      if (size > o.maxBytes) {
        stream.destroy();
        throw new MediaDownloadFailed(
          'too_large',
          `the file is larger than the limit of ${o.maxBytes} bytes`,
        );
      }
      chunks.push(chunk);
    }
  } catch (err) {
    if (err instanceof MediaDownloadFailed) throw err;
    const message = (err as Error).message;
    const decrypting = /decrypt|bad final block|wrong final block|padding/i.test(message);
    throw new MediaDownloadFailed(
      decrypting ? 'corrupt' : 'unreachable',
      decrypting ? `the file did not decrypt: ${message}` : `the download broke off: ${message}`,
    );
  }
  const bytes = Buffer.concat(chunks);
  if (ref.fileSha256) {
    const sha = createHash('sha256').update(bytes).digest('base64');
    if (sha !== ref.fileSha256)
      throw new MediaDownloadFailed('corrupt', 'the file does not match its fileSha256');
  }
  return bytes;
}
