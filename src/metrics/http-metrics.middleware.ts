import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { MetricsRegistry } from './metrics.registry';

/** The route label of a request no route matched (a 404, or a file of the console). */
export const NO_ROUTE = '(none)';
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * Counts every HTTP request when its answer is sent, by method, the route's pattern as declared
 * (`/api/sessions/:session/messages`, never the raw path) and status, with its duration.
 */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(private readonly metrics: MetricsRegistry) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const started = performance.now();
    res.once('finish', () => {
      const route = (req.route as { path?: unknown } | undefined)?.path;
      const labels = {
        method: METHODS.has(req.method) ? req.method : 'OTHER',
        route: typeof route === 'string' ? route : NO_ROUTE,
      };
      this.metrics.httpRequests.inc({ ...labels, status: String(res.statusCode) });
      this.metrics.httpLatency.observe(labels, (performance.now() - started) / 1000);
    });
    next();
  }
}
