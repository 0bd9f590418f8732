import { Logger, LogLevel as NestLogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import cors from 'cors';
import * as express from 'express';
import * as path from 'node:path';
import { AppModule, AppModuleOptions } from './app.module';
import { SessionForwarder } from './cluster/forwarding/session-forwarder';
import { AppConfig, LOG_LEVELS } from './config/app-config';
import { createAppLogger } from './common/logging/app-logger';
import { installRequestBodies } from './common/http/request-bodies';
import { parseTrustProxy } from './common/http/trust-proxy';
import { requestId } from './common/http/request-id';
import { securityHeaders } from './common/http/security-headers';
import { serveVendorFiles } from './common/http/vendor-files';
import { validationPipe } from './common/http/validation';
import { restrictNewFiles } from './database/private-files';
import { setupOpenApi } from './openapi';
import { RealtimeIoAdapter } from './realtime/realtime-io.adapter';

const API_PATHS = /^\/(api|health|metrics|docs|socket\.io)(\/|$|-json)/;

export const STATIC_DIR = path.join(__dirname, '..', 'static');

function logLevels(level: AppConfig['LOG_LEVEL']): NestLogLevel[] {
  return ['fatal', ...LOG_LEVELS.slice(0, LOG_LEVELS.indexOf(level) + 1)] as NestLogLevel[];
}

function corsOrigin(setting: string): boolean | string[] {
  const list = setting
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (list.includes('*')) return true;
  return list.length ? list : false;
}

/**
 * Builds the whole application (used by main.ts and by the tests, so both run the same stack); `options` only
 * for tests.
 */
export async function createApp(
  config: AppConfig,
  options: AppModuleOptions = {},
): Promise<NestExpressApplication> {
  // Everything the gateway writes (database, generated keys, sandbox state) is for its own user only.
  restrictNewFiles();
  const logger = createAppLogger(config);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, options), {
    bodyParser: false,
    logger: logger.service,
    abortOnError: false,
  });
  // Also tells Nest's static `Logger.isLevelEnabled` which levels are on (it cannot ask a custom logger).
  Logger.overrideLogger(logLevels(config.LOG_LEVEL));
  app.disable('x-powered-by');
  // No ETag on API answers: hashing every JSON body cost a measurable share of a request, and the API's clients
  // do not revalidate (the console's static files still get their ETag from express.static).
  app.set('etag', false);
  app.set('trust proxy', parseTrustProxy(config.TRUST_PROXY));
  app.use(requestId(config.LOG_HTTP ? logger.root.child({ context: 'HTTP' }) : null));
  app.use(securityHeaders());
  const corsHeaders = cors({
    origin: corsOrigin(config.CORS_ORIGINS),
    exposedHeaders: ['X-Request-Id', 'Retry-After'],
  });
  // CORS only concerns browsers' cross-origin requests, which always carry Origin; the rest (integrations,
  // same-origin console) skip the middleware and only get the `Vary: Origin` it would have set for caches.
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (req.headers.origin !== undefined) return corsHeaders(req, res, next);
    res.setHeader('Vary', 'Origin');
    next();
  });
  // In a cluster, calls needing a session's live connection go to the node that owns it, body unread.
  const forwarder = app.get(SessionForwarder);
  if (forwarder.enabled) app.use(forwarder.middleware());
  installRequestBodies(app, config);
  app.useGlobalPipes(validationPipe());
  // The console's files. API paths never reach the file system: serving static files checks the disk for every
  // request it sees, which was a measurable share of an API request's time.
  const consoleFiles = express.static(STATIC_DIR, { index: 'index.html', redirect: false });
  app.use(serveVendorFiles());
  app.use((req: Request, res: Response, next: NextFunction) =>
    (req.method === 'GET' || req.method === 'HEAD') && !API_PATHS.test(req.path)
      ? consoleFiles(req, res, next)
      : next(),
  );
  app.useWebSocketAdapter(
    new RealtimeIoAdapter(app, corsOrigin(config.CORS_ORIGINS), config.database, config.NODE_ID),
  );
  setupOpenApi(app);
  app.enableShutdownHooks();
  return app;
}

/** Loads, validates and boots; returns the listening app. */
export async function startApp(config: AppConfig): Promise<NestExpressApplication> {
  const app = await createApp(config);
  await app.listen(config.PORT, config.HOST);
  const address = app.getHttpServer().address();
  const port = address && typeof address === 'object' ? address.port : config.PORT;
  new Logger('Bootstrap').log(`Gateway listening on http://${config.HOST}:${port} (docs at /docs)`);
  return app;
}
