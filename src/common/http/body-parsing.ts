import type { NextFunction, Request, Response } from 'express';
import * as express from 'express';
import { errorBody } from '../errors/error-body';

/**
 * JSON body parsing with a size limit, and the translation of body-parser failures into the API's error shape.
 * These run before Nest's router, so Nest's exception filter never sees them; the messages are fixed strings so
 * no part of the rejected body is ever echoed.
 */
export function jsonBody(limitBytes: number) {
  return express.json({ limit: limitBytes, verify: keepRawBody });
}

/** Keeps the exact bytes of a JSON body as `req.rawBody`: signature checks (inbound webhooks) need them. */
function keepRawBody(req: Request, _res: Response, buf: Buffer): void {
  (req as Request & { rawBody?: Buffer }).rawBody = buf;
}

export function bodyErrorHandler(err: any, _req: Request, res: Response, next: NextFunction): void {
  if (res.headersSent) return next(err);
  switch (err?.type) {
    case 'entity.parse.failed':
      res.status(400).json(errorBody('Malformed JSON', 'The request body is not valid JSON'));
      return;
    case 'entity.too.large':
      res
        .status(413)
        .json(errorBody('Payload too large', `The request body exceeds the limit of ${err.limit} bytes`));
      return;
    case 'encoding.unsupported':
    case 'charset.unsupported':
      res.status(415).json(errorBody('Unsupported encoding', 'Send the body as UTF-8 JSON'));
      return;
    case 'request.aborted':
      res
        .status(400)
        .json(errorBody('Request aborted', 'The client closed the connection before the body arrived'));
      return;
    default:
      if (err?.status >= 400 && err?.status < 500) {
        res.status(err.status).json(errorBody('Bad request', 'The request body could not be read'));
        return;
      }
      next(err);
  }
}
