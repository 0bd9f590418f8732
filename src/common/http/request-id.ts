import type { NextFunction, Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type pino from 'pino';

const SAFE_ID = /^[A-Za-z0-9._-]{8,128}$/;

/** The route pattern that answered (`/api/sessions/:id/qr`), or null when none did (static files, 404s). */
function routePattern(req: Request): string | null {
  const route = (req as Request & { route?: { path?: unknown } }).route;
  return route && typeof route.path === 'string' ? `${req.baseUrl}${route.path}` : null;
}

/**
 * Gives every request an id (the caller's `X-Request-Id` if it is a plain token, otherwise a new UUID) and
 * returns it in the `X-Request-Id` response header. With an access logger, writes one line per request when it
 * finishes: method, route pattern (the path only when no route answered), status, duration and id. Never a
 * body, never a query string (it may carry phone numbers or texts).
 */
export function requestId(access: pino.Logger | null) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const incoming = req.headers['x-request-id'];
    const id = typeof incoming === 'string' && SAFE_ID.test(incoming) ? incoming : randomUUID();
    req.headers['x-request-id'] = id;
    res.setHeader('X-Request-Id', id);
    if (access) {
      const started = performance.now();
      res.once('finish', () => {
        const route = routePattern(req);
        const durationMs = Math.round((performance.now() - started) * 10) / 10;
        access.info(
          {
            method: req.method,
            ...(route ? { route } : { path: req.path }),
            status: res.statusCode,
            durationMs,
            requestId: id,
          },
          'request',
        );
      });
    }
    next();
  };
}
