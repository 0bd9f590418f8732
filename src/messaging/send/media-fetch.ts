import { DomainError } from '../../common/errors/domain-error';

/**
 * Downloads media given by URL with a size cap and a time limit (Baileys would stream any size). Redirects are
 * not followed, so a public URL cannot bounce the gateway to an internal address.
 */
export async function fetchMedia(
  url: string,
  maxBytes: number,
  timeoutMs: number,
): Promise<{ data: Buffer; mimetype: string | null }> {
  const res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) }).catch(
    (err: Error) => {
      throw new DomainError(
        422,
        'Media download failed',
        `Could not fetch the media URL: ${err.name === 'TimeoutError' ? 'timed out' : err.message}`,
      );
    },
  );
  if (res.status < 200 || res.status >= 300) {
    throw new DomainError(422, 'Media download failed', `The media URL answered HTTP ${res.status}`);
  }
  const declared = Number(res.headers.get('content-length') ?? 0);
  if (declared > maxBytes)
    throw new DomainError(413, 'Media too large', `The media is ${declared} bytes; the limit is ${maxBytes}`);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    total += chunk.length;
    if (total > maxBytes)
      throw new DomainError(413, 'Media too large', `The media exceeds the limit of ${maxBytes} bytes`);
    chunks.push(Buffer.from(chunk));
  }
  return { data: Buffer.concat(chunks), mimetype: res.headers.get('content-type') };
}
