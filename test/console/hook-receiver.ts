import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A loopback webhook receiver whose answer the test chooses (`status`), keeping every body it got. */
export class HookReceiver {
  status = 500;
  readonly bodies: string[] = [];
  private readonly server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      this.bodies.push(body);
      res.writeHead(this.status).end();
    });
  });

  listen(): Promise<void> {
    return new Promise((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
