import { Injectable, Logger } from '@nestjs/common';
import type { ConnectionOptions } from 'node:tls';
import { Client } from 'pg';
import { AppConfig } from '../config/app-config';
import { CONNECT_TIMEOUT_MS, pgSslOptions, withoutTlsParams } from '../database/postgres/postgres-options';

/** What nodes tell each other. Every message is a hint: polling does the same work a little later. */
export type ClusterSignal =
  /** Sessions changed (created, deleted, a lease released, a node left): look for work now. */
  | { t: 'placement' }
  /** A lease was handed to `node` (a move): it takes the session now. */
  | { t: 'leases'; node: string }
  /** A send was queued for `session`: its owner drains it now. */
  | { t: 'queue'; session: string };

const CHANNEL = 'wa_gateway_cluster';

/**
 * PostgreSQL's LISTEN/NOTIFY between the nodes, on one connection of its own (a pooled connection cannot keep
 * listening). The connection is opened again after a failure (with a growing pause); meanwhile the nodes' own
 * polling carries on, so a lost signal only costs time.
 */
@Injectable()
export class ClusterBus {
  private readonly logger = new Logger(ClusterBus.name);
  private client: Client | null = null;
  private closed = false;
  private retryMs = 500;
  private retry: NodeJS.Timeout | null = null;
  private handler: (signal: ClusterSignal) => void = () => undefined;

  constructor(private readonly config: AppConfig) {}

  async start(handler: (signal: ClusterSignal) => void): Promise<void> {
    this.handler = handler;
    await this.connect();
  }

  /** Sends a signal to every node (this one included), on the listening connection; dropped if it is down. */
  notify(signal: ClusterSignal): void {
    const client = this.client;
    if (!client) return;
    client.query('SELECT pg_notify($1, $2)', [CHANNEL, JSON.stringify(signal)]).catch((err: Error) => {
      this.logger.debug(`signal not sent (${err.message}); polling will catch up`);
    });
  }

  async stop(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.closed || this.config.database.engine !== 'postgres') return;
    const settings = this.config.database;
    const client = new Client({
      connectionString: withoutTlsParams(settings.url),
      ssl: pgSslOptions(settings.ssl) as ConnectionOptions | false,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      application_name: 'wa-gateway-cluster',
    });
    const lost = (err?: Error) => {
      if (this.client !== client) return;
      this.client = null;
      void client.end().catch(() => undefined);
      if (this.closed) return;
      this.logger.warn(`cluster signals lost (${err?.message ?? 'connection ended'}); listening again soon`);
      this.retry = setTimeout(() => void this.connect(), this.retryMs);
      this.retry.unref();
      this.retryMs = Math.min(this.retryMs * 2, 10_000);
    };
    client.on('error', lost);
    client.on('end', () => lost());
    client.on('notification', (msg) => {
      if (msg.channel !== CHANNEL || !msg.payload) return;
      try {
        this.handler(JSON.parse(msg.payload) as ClusterSignal);
      } catch (err) {
        this.logger.warn(`a cluster signal could not be handled: ${(err as Error).message}`);
      }
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
      this.client = client;
      this.retryMs = 500;
    } catch (err) {
      this.client = client;
      lost(err as Error);
    }
  }
}
