import { Logger } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { randomUUID } from 'node:crypto';

const SAFE_ID = /^[A-Za-z0-9._-]{8,128}$/;
const logger = new Logger('HTTP');

/**
 * Gives every request an id (the caller's `X-Request-Id` if it is a plain token, otherwise a new UUID), returns
 * it in the `X-Request-Id` response header and logs one line per request when it finishes. The line has method,
 * path, status, duration and id: never a body, never a query string (it may carry phone numbers).
 */
export function requestId(req: Request, res: Response, next: NextFunction): void {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && SAFE_ID.test(incoming) ? incoming : randomUUID();
  req.headers['x-request-id'] = id;
  res.setHeader('X-Request-Id', id);
  const started = process.hrtime.bigint();
  res.on('finish', () => {
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const line = `${req.method} ${req.path} ${res.statusCode} ${ms.toFixed(1)}ms id=${id}`;
    if (res.statusCode >= 500) logger.error(line);
    else logger.debug(line);
  });
  next();
}
