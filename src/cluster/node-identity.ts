import { Injectable, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { AppConfig } from '../config/app-config';

/**
 * This process as a node of the cluster: its id (`NODE_ID`, or one generated at first start and kept in
 * `<DATA_DIR>/node-id`, so a restarted node takes back its own sessions at once), the URL other nodes forward
 * calls to, and its capacity.
 */
@Injectable()
export class NodeIdentity {
  private readonly logger = new Logger(NodeIdentity.name);
  readonly startedAt = Date.now();
  private cachedId: string | null = null;

  constructor(
    private readonly config: AppConfig,
    private readonly http: HttpAdapterHost,
  ) {}

  get id(): string {
    this.cachedId ??= this.config.NODE_ID ?? this.loadOrGenerate();
    return this.cachedId;
  }

  get maxSessions(): number {
    return this.config.NODE_MAX_SESSIONS;
  }

  /** `NODE_URL`, else this machine's name and the port the server listens on (null until it listens). */
  get url(): string | null {
    if (this.config.NODE_URL) return this.config.NODE_URL.replace(/\/+$/, '');
    const server = this.http.httpAdapter?.getHttpServer?.() as {
      address?: () => AddressInfo | string | null;
    };
    const address = server?.address?.();
    if (!address || typeof address === 'string') return null;
    const host = ['0.0.0.0', '::'].includes(this.config.HOST) ? os.hostname() : this.config.HOST;
    return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  }

  private loadOrGenerate(): string {
    const file = path.join(this.config.DATA_DIR, 'node-id');
    try {
      const kept = fs.readFileSync(file, 'utf8').trim();
      if (kept) return kept;
    } catch {
      // first start
    }
    const id = `node-${randomBytes(4).toString('hex')}`;
    fs.mkdirSync(this.config.DATA_DIR, { recursive: true });
    fs.writeFileSync(file, `${id}\n`, { mode: 0o600 });
    this.logger.log(`No NODE_ID was set: this node is ${id} (kept in ${file})`);
    return id;
  }
}
