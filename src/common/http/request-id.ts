import { Logger } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';

const SAFE_ID = /^[A-Za-z0-9._-]{8,128}$/;
const logger = new Logger('HTTP');

/**
 * Gives every request an id (the caller's `X-Request-Id` if it is a plain token, otherwise a new UUID), returns
 * it in the `X-Request-Id` response header and, at debug level, logs one line per request when it finishes. The
 * line has method, path, status, duration and id: never a body, never a query string (it may carry phone
 * numbers).
 */
export function requestId(req: Request, res: Response, next: NextFunction): void {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && SAFE_ID.test(incoming) ? incoming : randomUUID();
  req.headers['x-request-id'] = id;
  res.setHeader('X-Request-Id', id);
  // The line is a debug-level log (unhandled errors are logged by the exception filter): listen only when it
  // will be written.
  if (Logger.isLevelEnabled('debug')) {
    const started = performance.now();
    res.on('finish', () => {
      const ms = (performance.now() - started).toFixed(1);
      logger.debug(`${req.method} ${req.path} ${res.statusCode} ${ms}ms id=${id}`);
    });
  }
  next();
}
