import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real local HTTP server that media URLs point at. `/file/<name>` answers a registered body at once,
 * `/redirect/<name>` answers 302 to that file, and `/slow/<name>` dribbles the body one byte every 100 ms,
 * holding the last byte back until `finish(name)` is called.
 */
export class MediaSource {
  private readonly server = http.createServer((req, res) => this.handle(req, res));
  private readonly files = new Map<string, Buffer>();
  private readonly gates = new Map<string, () => void>();
  /** Paths requested, in order. */
  readonly requests: string[] = [];
  port = 0;

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  url(path: string, host = '127.0.0.1'): string {
    return `http://${host}:${this.port}${path}`;
  }

  add(name: string, body: Buffer): void {
    this.files.set(name, body);
  }

  /** Lets a slow download of `name` send its last byte. */
  finish(name: string): void {
    this.gates.get(name)?.();
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const path = req.url ?? '/';
    this.requests.push(path);
    const [, kind, name] = path.split('/');
    const body = this.files.get(name);
    if (!body) {
      res.writeHead(404).end();
      return;
    }
    if (kind === 'redirect') {
      res.writeHead(302, { location: `/file/${name}` }).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'image/png', 'content-length': String(body.length) });
    if (kind !== 'slow') {
      res.end(body);
      return;
    }
    let sent = 0;
    let released = false;
    this.gates.set(name, () => {
      released = true;
    });
    const timer = setInterval(() => {
      if (sent < body.length - 1) res.write(body.subarray(sent, ++sent));
      else if (released) {
        clearInterval(timer);
        res.end(body.subarray(sent));
      }
    }, 100);
    res.on('close', () => clearInterval(timer));
  }
}
