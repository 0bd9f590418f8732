import * as http from 'node:http';
import { summarize } from './stats';

export interface PacedResult {
  rps: number;
  p50: number;
  p99: number;
  max: number;
  non2xx: number;
  errors: number;
}

/**
 * Open-loop load at a fixed rate: request i is due at start + i / rate, sent when due whatever the earlier
 * answers do, and its latency counts from when it was due (so a stalled server is not flattered by requests it
 * delayed). autocannon's `overallRate` is not this: it sends each second's quota as fast as it can, then idles
 * until the next second, so its "p99 at 500 req/s" measured bursts (a bare Nest route showed p99 21-46 ms).
 */
export async function pacedLoad(opts: {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  rate: number;
  durationS: number;
}): Promise<PacedResult> {
  const url = new URL(opts.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const body = opts.body ? Buffer.from(opts.body) : undefined;
  const headers = { ...opts.headers, ...(body ? { 'content-length': String(body.length) } : {}) };
  const latencies: number[] = [];
  let non2xx = 0;
  let errors = 0;
  const one = (due: number) =>
    new Promise<void>((resolve) => {
      const req = http.request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: opts.method ?? 'GET',
          agent,
          headers,
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            latencies.push(performance.now() - due);
            if ((res.statusCode ?? 0) < 200 || (res.statusCode ?? 0) >= 300) non2xx++;
            resolve();
          });
        },
      );
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end(body);
    });
  const total = Math.round(opts.rate * opts.durationS);
  const pending: Promise<void>[] = [];
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / opts.rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    pending.push(one(due));
  }
  await Promise.all(pending);
  const elapsed = (performance.now() - start) / 1000;
  agent.destroy();
  const s = summarize(latencies);
  return { rps: latencies.length / elapsed, p50: s.p50, p99: s.p99, max: s.max, non2xx, errors };
}
