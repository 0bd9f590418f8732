import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/** Notes the arrival time of each webhook by the text it carries. */
export class WebhookReceiver {
  readonly arrivals = new Map<string, number>();
  private readonly server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = Date.now();
      try {
        const text = JSON.parse(Buffer.concat(chunks).toString('utf8'))?.data?.text;
        if (typeof text === 'string' && !this.arrivals.has(text)) this.arrivals.set(text, at);
      } catch {
        // not ours
      }
      res.writeHead(200).end('ok');
    });
  });

  async listen(): Promise<string> {
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  /** Arrival times of every text with this prefix, once `n` of them have arrived. */
  async waitFor(prefix: string, n: number, timeoutMs = 300_000): Promise<number[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const times = [...this.arrivals].filter(([t]) => t.startsWith(prefix + ' ')).map(([, at]) => at);
      if (times.length >= n) return times.sort((a, b) => a - b);
      if (Date.now() > deadline) throw new Error(`only ${times.length} of ${n} webhooks arrived`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  close(): void {
    this.server.close();
  }
}
