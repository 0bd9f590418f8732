import { DomainError } from '../../common/errors/domain-error';
import type { OutgoingContent } from '../../whatsapp/engine/engine.types';
import type { MediaDownload } from './media-downloads';
import type { StoredRequest } from './stored-request';

/** The media URL of a stored request (the row's `request` column), or null when it has none. */
export function mediaUrlOf(request: string | null): string | null {
  const content = (JSON.parse(request ?? '{}') as Partial<StoredRequest>).content;
  return content && 'media' in content && 'url' in content.media ? content.media.url : null;
}

/**
 * The content as the engine sends it: inline media decoded, media given by URL taken from its download (which
 * must be given for such content). A failed download throws its reason.
 */
export async function materialize(
  content: StoredRequest['content'],
  download: MediaDownload | undefined,
): Promise<OutgoingContent> {
  if (!('media' in content)) return content as OutgoingContent;
  const m = content.media;
  if ('url' in m) {
    const result = download ? await download.result : { ok: false as const, reason: 'Media was not fetched' };
    if (!result.ok) throw new DomainError(422, 'Media download failed', result.reason);
    const type =
      m.mimetype ??
      (content as { mimetype?: string }).mimetype ??
      result.mimetype ??
      'application/octet-stream';
    return { ...content, media: { data: result.data, mimetype: type } } as OutgoingContent;
  }
  return {
    ...content,
    media: { data: Buffer.from(m.base64, 'base64'), mimetype: m.mimetype },
  } as OutgoingContent;
}
