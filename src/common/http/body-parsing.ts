import type { NextFunction, Request, Response } from 'express';
import * as express from 'express';
import { isUtf8 } from 'node:buffer';
import { errorBody } from '../errors/error-body';
import { jsonNestsDeeperThan } from './json-depth';
import { findUnsafeText } from './unsafe-text';

/**
 * Deepest nesting of objects and arrays a JSON body may have. No request of the API comes near it (its deepest
 * bodies nest four or five levels); far deeper input only served to exhaust the stack of the code walking it.
 */
export const MAX_JSON_DEPTH = 32;

/** A body-parser error our verify step raises (body-parser keeps its `status` and `type`). */
class BodyRefused extends Error {
  readonly status = 400;
  constructor(readonly type: string) {
    super(type);
  }
}

/**
 * JSON body parsing with a size limit, checked before parsing: valid UTF-8 (a replacement character would
 * silently change the text) and at most MAX_JSON_DEPTH levels of nesting. The exact bytes are kept as
 * `req.rawBody` (signature checks of inbound webhooks need them). After parsing, texts with NUL or an
 * unpaired surrogate are refused: they could not be stored or delivered as sent.
 */
export function jsonBody(limitBytes: number) {
  const parse = express.json({ limit: limitBytes, verify: checkRawBody });
  return (req: Request, res: Response, next: NextFunction): void =>
    parse(req, res, (err?: unknown) => {
      if (err) return next(err);
      const unsafe = req.body === undefined ? null : findUnsafeText(req.body);
      if (!unsafe) return next();
      res
        .status(400)
        .json(
          errorBody(
            'Invalid text',
            unsafe.problem === 'NUL character'
              ? `${unsafe.path || 'The body'} contains a NUL character (U+0000), which cannot be stored or sent`
              : `${unsafe.path || 'The body'} contains an unpaired surrogate (\\uD800-\\uDFFF without its pair), which is not valid Unicode`,
          ),
        );
    });
}

function checkRawBody(req: Request, _res: Response, buf: Buffer, encoding: string): void {
  if (/^utf-?8$/i.test(encoding) && !isUtf8(buf)) throw new BodyRefused('entity.not.utf8');
  if (jsonNestsDeeperThan(buf, MAX_JSON_DEPTH)) throw new BodyRefused('entity.too.deep');
  (req as Request & { rawBody?: Buffer }).rawBody = buf;
}

/** Answers before reading a body, and closes the connection afterwards so the rest is never read. */
export function refuseUnreadBody(res: Response, status: number, error: string, details: string): void {
  res.setHeader('Connection', 'close');
  res.status(status).json(errorBody(error, details));
}

export function bodyErrorHandler(err: any, _req: Request, res: Response, next: NextFunction): void {
  if (res.headersSent) return next(err);
  switch (err?.type) {
    case 'entity.parse.failed':
      res.status(400).json(errorBody('Malformed JSON', 'The request body is not valid JSON'));
      return;
    case 'entity.not.utf8':
      res.status(400).json(errorBody('Malformed JSON', 'The request body is not valid UTF-8'));
      return;
    case 'entity.too.deep':
      res
        .status(400)
        .json(
          errorBody(
            'Malformed JSON',
            `The request body nests objects and arrays more than ${MAX_JSON_DEPTH} levels deep`,
          ),
        );
      return;
    case 'entity.too.large':
      refuseUnreadBody(
        res,
        413,
        'Payload too large',
        `The request body exceeds the limit of ${err.limit} bytes`,
      );
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
