import * as http from 'node:http';
import * as https from 'node:https';
import { AddressNotAllowed } from '../../common/net/address-policy';

/** A media download that failed; `reason` is what the message's `error` shows. */
export class MediaFetchError extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

/**
 * The reasons a download fails with. Network failures (refused, reset, unreachable, unresolvable, timed out,
 * TLS) share one reason, so the outcome never tells a closed port from a filtered one.
 */
export const MEDIA_UNREACHABLE = 'Media could not be fetched';
export const MEDIA_NOT_ALLOWED = 'Media URL refused: address not allowed';

export interface MediaFetchOptions {
  agents: { http: http.Agent; https: https.Agent };
  maxBytes: number;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Called with the size of every chunk received. */
  onBytes?: (n: number) => void;
}

/**
 * Downloads media given by URL through the guarded agents (the address policy is checked on the address
 * actually connected to), with a size cap and a time limit for the whole download. Redirects are not followed:
 * a 3xx answer fails like any other non-2xx.
 */
export function fetchMedia(
  rawUrl: string,
  options: MediaFetchOptions,
): Promise<{ data: Buffer; mimetype: string | null }> {
  let url: URL;
  try {
    url = new URL(rawUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
  } catch {
    return Promise.reject(new MediaFetchError('Media URL is not an http(s) URL'));
  }
  if (options.signal?.aborted) return Promise.reject(new MediaFetchError(MEDIA_UNREACHABLE));
  return new Promise((resolve, reject) => {
    let settled = false;
    const chunks: Buffer[] = [];
    let total = 0;
    const secure = url.protocol === 'https:';
    const req = (secure ? https : http).get(url, {
      agent: secure ? options.agents.https : options.agents.http,
      headers: { 'user-agent': 'wa-gateway-media/1', accept: '*/*' },
    });
    const finish = (err: Error | null, value?: { data: Buffer; mimetype: string | null }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (err) {
        req.destroy();
        reject(err);
      } else resolve(value!);
    };
    const onAbort = () => finish(new MediaFetchError(MEDIA_UNREACHABLE));
    const timer = setTimeout(onAbort, options.timeoutMs);
    options.signal?.addEventListener('abort', onAbort);
    req.on('error', (err) =>
      finish(new MediaFetchError(err instanceof AddressNotAllowed ? MEDIA_NOT_ALLOWED : MEDIA_UNREACHABLE)),
    );
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      if (status < 200 || status >= 300) {
        res.resume();
        return finish(new MediaFetchError(`${MEDIA_UNREACHABLE} (HTTP ${status})`));
      }
      const tooLarge = () =>
        new MediaFetchError(`Media too large: the limit is ${options.maxBytes} bytes (MEDIA_MAX_BYTES)`);
      if (Number(res.headers['content-length'] ?? 0) > options.maxBytes) return finish(tooLarge());
      res.on('data', (chunk: Buffer) => {
        total += chunk.length;
        if (total > options.maxBytes) return finish(tooLarge());
        chunks.push(chunk);
        options.onBytes?.(chunk.length);
      });
      res.on('end', () => {
        if (!res.complete) return finish(new MediaFetchError(MEDIA_UNREACHABLE));
        const type = res.headers['content-type'];
        finish(null, { data: Buffer.concat(chunks), mimetype: type ? String(type) : null });
      });
      res.on('error', () => finish(new MediaFetchError(MEDIA_UNREACHABLE)));
      res.on('aborted', () => finish(new MediaFetchError(MEDIA_UNREACHABLE)));
    });
  });
}
