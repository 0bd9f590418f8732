import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ApiKeyService } from '../auth/api-key.service';
import { RouteAuthTable } from '../auth/route-auth-table';
import { AppConfig } from '../../config/app-config';
import { bodyErrorHandler, jsonBody, refuseUnreadBody } from './body-parsing';

/**
 * Largest body a request without a valid API key may send to a public route (or to no route at all). Public
 * routes take no body; routes whose guard checks a signature over the body get BODY_LIMIT_BYTES instead.
 */
export const KEYLESS_BODY_LIMIT_BYTES = 4096;

const SEND_ROUTE = /^\/api\/sessions\/[^/]+\/messages\/?$/;

/**
 * Request bodies, read only once the caller may send them. The API key is checked first, from the headers:
 * - a valid key (or AUTH_DISABLED): JSON up to BODY_LIMIT_BYTES, and up to the inline-media size (4/3 of
 *   MEDIA_MAX_BYTES) on the send route;
 * - no valid key, on a route that needs one: the body is never read and the connection is closed after the
 *   answer; the global guards answer as always (429 when throttled, 401 otherwise);
 * - no valid key, on a route whose guard verifies a signature over the body (POST /api/webhook with
 *   INBOUND_WEBHOOK_SECRET): up to BODY_LIMIT_BYTES, for the guard to check;
 * - no valid key, on a public route or no route: KEYLESS_BODY_LIMIT_BYTES, and its length must be declared.
 * A declared Content-Length over the limit is refused with 413 before a byte of the body is read.
 */
export function installRequestBodies(app: NestExpressApplication, config: AppConfig): void {
  const keys = app.get(ApiKeyService);
  const routes = app.get(RouteAuthTable);
  const mediaLimit = Math.ceil((config.MEDIA_MAX_BYTES * 4) / 3) + 64 * 1024;
  const parsers = new Map<number, RequestHandler>();
  const parser = (limit: number) => {
    let p = parsers.get(limit);
    if (!p) parsers.set(limit, (p = jsonBody(limit)));
    return p;
  };

  app.use((req: Request, res: Response, next: NextFunction) => {
    const hasBody =
      req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length']) > 0;
    if (!hasBody) return next();
    let limit: number;
    let lengthRequired = false;
    if (keys.disabled || keys.matches(ApiKeyService.extract(req.headers))) {
      limit = req.method === 'POST' && SEND_ROUTE.test(req.path) ? mediaLimit : config.BODY_LIMIT_BYTES;
    } else {
      const access = routes.keylessAccess(req.method, req.path);
      if (access === 'key') {
        res.setHeader('Connection', 'close');
        return next();
      }
      limit = access === 'body' ? config.BODY_LIMIT_BYTES : KEYLESS_BODY_LIMIT_BYTES;
      lengthRequired = access === 'public';
    }
    const declared = req.headers['content-length'];
    if (declared === undefined && lengthRequired) {
      return refuseUnreadBody(res, 411, 'Length required', 'Send a Content-Length with the body');
    }
    if (declared !== undefined && Number(declared) > limit) {
      return refuseUnreadBody(
        res,
        413,
        'Payload too large',
        `The request body exceeds the limit of ${limit} bytes`,
      );
    }
    parser(limit)(req, res, next);
  });
  app.use(bodyErrorHandler);
}
