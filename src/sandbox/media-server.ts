import { randomBytes } from 'node:crypto';
import { Agent as HttpsAgent, createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';
import { Agent as UndiciAgent } from 'undici';
import type { SandboxLog } from './types';

const MAX_UPLOAD_BYTES = 100 * 1024 * 1024;
const MEDIA_PATHS = /^\/(mms|product|newsletter)\/[a-z0-9-]+\/[A-Za-z0-9_-]+=*$/;

export interface TlsMaterial {
  key: string;
  cert: string;
}

/** A self-signed certificate for 127.0.0.1/localhost that is its own CA; kept in the state file across restarts. */
export async function generateTls(): Promise<TlsMaterial> {
  const notAfter = new Date();
  notAfter.setFullYear(notAfter.getFullYear() + 10);
  const pems = await generate([{ name: 'commonName', value: 'WhatsApp sandbox media' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notAfterDate: notAfter,
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 7, ip: '127.0.0.1' },
          { type: 2, value: 'localhost' },
        ],
      },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}

/**
 * The media host Baileys uploads to and downloads from (WA-PROTOCOL.md section 15): HTTPS, because Baileys
 * always builds `https://` media URLs. Blobs live in memory, keyed by their direct path.
 */
export class MediaServer {
  /** `host:port` as announced in `<media_conn><host hostname=…/>`. */
  readonly host: string;
  /** Token announced as `media_conn auth`; uploads must carry it. */
  readonly auth = randomBytes(16).toString('base64url');
  /** For Baileys' `fetchAgent` (uploads use node:https). */
  readonly httpsAgent: HttpsAgent;
  /** For fetch-based downloads: `downloadMediaMessage(m, 'buffer', { options: { dispatcher } })` and socket `options`. */
  readonly dispatcher: UndiciAgent;
  private readonly blobs = new Map<string, Buffer>();
  /** Direct paths answered with this status instead of their file (see refuse()). */
  private readonly refused = new Map<string, number>();

  private constructor(
    private readonly server: Server,
    readonly tls: TlsMaterial,
    private readonly log: SandboxLog,
  ) {
    const { address, port } = server.address() as AddressInfo;
    this.host = `${address}:${port}`;
    this.httpsAgent = new HttpsAgent({ ca: tls.cert, keepAlive: false });
    this.dispatcher = new UndiciAgent({ connect: { ca: tls.cert } });
  }

  static async start(host: string, tls: TlsMaterial, log: SandboxLog): Promise<MediaServer> {
    const holder: { media?: MediaServer } = {};
    const server = createServer({ key: tls.key, cert: tls.cert }, (req, res) =>
      holder.media?.handle(req, res),
    );
    server.on('tlsClientError', () => undefined);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, host, () => resolve());
    });
    holder.media = new MediaServer(server, tls, log);
    return holder.media;
  }

  get caPem(): string {
    return this.tls.cert;
  }

  /** Stores an encrypted file and returns its direct path (`/v/t62.7118-24/…`). */
  put(file: Buffer): string {
    const directPath = `/v/t62.7118-24/sbx/${randomBytes(12).toString('hex')}.enc`;
    this.blobs.set(directPath, file);
    return directPath;
  }

  /** Answers `status` for a stored file from now on (as WhatsApp does for expired media), or serves it again. */
  refuse(directPath: string, status: 404 | 410 | null): void {
    if (status === null) this.refused.delete(directPath);
    else this.refused.set(directPath, status);
  }

  /** The stored file for a message's directPath or url. */
  get(pathOrUrl: string): Buffer | undefined {
    const path = pathOrUrl.startsWith('https://') ? new URL(pathOrUrl).pathname : pathOrUrl.split('?')[0];
    return this.blobs.get(path);
  }

  url(directPath: string): string {
    return `https://${this.host}${directPath}`;
  }

  async stop(): Promise<void> {
    this.httpsAgent.destroy();
    await this.dispatcher.close().catch(() => undefined);
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', `https://${this.host}`);
    if (req.method === 'GET') {
      const refused = this.refused.get(url.pathname);
      if (refused) return this.reply(res, refused, { error: 'media gone' });
      const blob = this.blobs.get(url.pathname);
      if (!blob) return this.reply(res, 404, { error: 'not found' });
      res.writeHead(200, {
        'content-type': 'application/octet-stream',
        'content-length': String(blob.length),
      });
      res.end(blob);
      return;
    }
    if (req.method !== 'POST' || !MEDIA_PATHS.test(url.pathname))
      return this.reply(res, 404, { error: 'not found' });
    if (url.searchParams.get('auth') !== this.auth) return this.reply(res, 401, { error: 'bad auth' });
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_UPLOAD_BYTES) {
        this.reply(res, 413, { error: 'too large' });
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (res.headersSent) return;
      const directPath = this.put(Buffer.concat(chunks));
      this.log('debug', 'media uploaded', { path: url.pathname, bytes: size });
      this.reply(res, 200, { url: this.url(directPath), direct_path: directPath });
    });
    req.on('error', () => undefined);
  }

  private reply(res: ServerResponse, status: number, body: unknown): void {
    if (res.headersSent) return;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }
}
