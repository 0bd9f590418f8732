import * as http from 'node:http';
import * as https from 'node:https';

export const MAX_RESPONSE_CHARS = 1000;

export interface PostResult {
  /** HTTP status, or null when no response came (timeout, refused, DNS, SSRF guard). */
  statusCode: number | null;
  durationMs: number;
  /** The first characters of the response body. */
  response: string | null;
  error: string | null;
  retryAfter: string | undefined;
}

/**
 * One POST of a webhook: never follows redirects (a 3xx is a failure), gives up after `timeoutMs` for the whole
 * exchange, keeps only the first characters of the answer.
 */
export function postWebhook(
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
  agents: { http: http.Agent; https: https.Agent },
): Promise<PostResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  return new Promise<PostResult>((resolve) => {
    let settled = false;
    const finish = (result: Omit<PostResult, 'durationMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...result, durationMs: elapsed() });
    };
    const target = new URL(url);
    const client = target.protocol === 'https:' ? https : http;
    const req = client.request(target, {
      method: 'POST',
      agent: target.protocol === 'https:' ? agents.https : agents.http,
      headers: {
        ...headers,
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
        'user-agent': 'wa-gateway-webhooks/1',
      },
    });
    const timer = setTimeout(() => {
      req.destroy();
      finish({
        statusCode: null,
        response: null,
        error: `timed out after ${timeoutMs} ms`,
        retryAfter: undefined,
      });
    }, timeoutMs);
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (text.length < MAX_RESPONSE_CHARS) text += chunk;
      });
      const done = () =>
        finish({
          statusCode: res.statusCode ?? null,
          response: text ? text.slice(0, MAX_RESPONSE_CHARS) : null,
          error: null,
          retryAfter: typeof res.headers['retry-after'] === 'string' ? res.headers['retry-after'] : undefined,
        });
      res.on('end', done);
      res.on('error', done);
      res.on('aborted', done);
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      finish({
        statusCode: null,
        response: null,
        error: err.code && !err.message.includes(err.code) ? `${err.code}: ${err.message}` : err.message,
        retryAfter: undefined,
      });
    });
    req.end(body);
  });
}
