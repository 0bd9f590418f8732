import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiKeyService } from '../common/auth/api-key.service';
import { AppConfig } from '../config/app-config';
import { metricsKeyRefusal } from './metrics-access';
import { MetricsRegistry } from './metrics.registry';

/**
 * With METRICS_PORT set: GET /metrics on a listener of its own on HOST:METRICS_PORT (and nowhere else), e.g. a
 * port only the monitoring network reaches. Same rule as on the main port: the API key unless METRICS_PUBLIC.
 */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MetricsServer.name);
  private server: http.Server | null = null;

  constructor(
    private readonly config: AppConfig,
    private readonly keys: ApiKeyService,
    private readonly metrics: MetricsRegistry,
  ) {}

  /** The port it listens on (the one chosen when METRICS_PORT=0), or null when it does not listen. */
  get port(): number | null {
    const address = this.server?.address();
    return address && typeof address === 'object' ? (address as AddressInfo).port : null;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.METRICS_PORT === undefined) return;
    const server = http.createServer((req, res) => void this.handle(req, res));
    server.headersTimeout = 10_000;
    server.requestTimeout = 10_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.config.METRICS_PORT, this.config.HOST, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.logger.log(`Metrics at http://${this.config.HOST}:${this.port}/metrics`);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics' && path !== '/metrics/')
      return json(res, 404, { error: 'Not Found', details: 'Only GET /metrics is served on this port' });
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return json(res, 405, { error: 'Method Not Allowed', details: 'Use GET' }, { Allow: 'GET, HEAD' });
    const refusal = this.config.METRICS_PUBLIC ? null : metricsKeyRefusal(this.keys, req.headers);
    if (refusal) return json(res, 401, refusal);
    try {
      const text = await this.metrics.scrape();
      res.writeHead(200, { 'Content-Type': this.metrics.contentType, 'Cache-Control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : text);
    } catch (err) {
      this.logger.error(`Metrics scrape failed: ${(err as Error).message}`);
      json(res, 500, { error: 'Internal Server Error', details: 'The metrics could not be collected' });
    }
  }
}

function json(res: http.ServerResponse, status: number, body: object, headers: Record<string, string> = {}) {
  // Nothing of a refused request's body is read; the connection closes after the answer.
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    Connection: 'close',
    ...headers,
  });
  res.end(JSON.stringify(body));
}
