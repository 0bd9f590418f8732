import * as net from 'node:net';

/**
 * A loopback TCP relay in front of the gateway, so a test can make the gateway unreachable for the browser
 * (every open connection cut, new ones refused) and reachable again, without stopping the gateway itself.
 */
export class TcpGate {
  private open = true;
  private readonly sockets = new Set<net.Socket>();
  private readonly server = net.createServer((client) => {
    if (!this.open) {
      client.destroy();
      return;
    }
    const upstream = net.connect(this.target.port, this.target.host);
    for (const s of [client, upstream]) {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });

  constructor(private readonly target: { host: string; port: number }) {}

  listen(): Promise<void> {
    return new Promise((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
  }

  /** Cuts every connection and refuses new ones until reopen(). */
  cut(): void {
    this.open = false;
    for (const s of this.sockets) s.destroy();
  }

  reopen(): void {
    this.open = true;
  }

  close(): Promise<void> {
    this.cut();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
