import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { IncomingHttpHeaders } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { Agent, request } from 'undici';
import { ApiKeyService } from '../../common/auth/api-key.service';
import { errorBody } from '../../common/errors/error-body';
import { AppConfig } from '../../config/app-config';
import { SessionOwners } from '../session-owners';
import { sessionToForward } from './forwarded-routes';

/** Set on a forwarded request, naming the node that forwarded it; a request carrying it is never forwarded again. */
export const FORWARDED_BY_HEADER = 'X-Gateway-Forwarded-By';
const FORWARDED_BY = FORWARDED_BY_HEADER.toLowerCase();

/** Connection-level headers (RFC 9110 7.6.1): they describe one hop, not the request. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** Errors meaning the owner could not be reached at all: the request never got there. */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);

const CONNECT_TIMEOUT_MS = 3000;
/** Baileys' own timeout for a query to WhatsApp: the slowest live call (a group operation) waits this long. */
const LIVE_QUERY_TIMEOUT_MS = 60_000;

/**
 * Serves a request that needs a session's live connection on the node that owns the session: this node when it
 * is the owner, otherwise the owner over HTTP (see `forwarded-routes.ts` for which requests). Installed before
 * the body parsers, so the body goes to the owner as the caller sent it; the caller's API key goes along and the
 * owner authenticates the request itself. Only requests with a valid key are forwarded: the others are answered
 * here (401) without asking where any session is.
 */
@Injectable()
export class SessionForwarder implements OnApplicationShutdown {
  private readonly logger = new Logger(SessionForwarder.name);
  private readonly agent: Agent;
  private readonly retryAfterSeconds: string;

  constructor(
    private readonly owners: SessionOwners,
    private readonly keys: ApiKeyService,
    config: AppConfig,
  ) {
    // The longest wait of a live call: GET qr waits up to WA_QR_WAIT_MS for a code, the seed send up to
    // SEED_SEND_TIMEOUT_MS for WhatsApp's acknowledgement; the owner answers those itself, with room to spare.
    const answerTimeout =
      Math.max(config.WA_QR_WAIT_MS, config.SEED_SEND_TIMEOUT_MS, LIVE_QUERY_TIMEOUT_MS) + 10_000;
    this.agent = new Agent({
      connect: { timeout: CONNECT_TIMEOUT_MS },
      headersTimeout: answerTimeout,
      bodyTimeout: answerTimeout,
    });
    // A session without an owner gets one at the next placement round.
    this.retryAfterSeconds = String(Math.min(5, Math.max(1, Math.ceil(config.CLUSTER_PLACEMENT_MS / 1000))));
  }

  /** Whether there are other nodes to forward to (a single gateway has no node id). */
  get enabled(): boolean {
    return this.owners.nodeId !== null;
  }

  middleware(): RequestHandler {
    return (req: Request, res: Response, next: NextFunction) => {
      const session = sessionToForward(req.method, req.path);
      if (session === null) return next();
      if (!this.keys.disabled && !this.keys.matches(ApiKeyService.extract(req.headers))) return next();
      this.route(session, req, res, next).catch((err: unknown) => {
        this.logger.error(`Forwarding ${req.method} ${req.path} failed: ${describe(err)}`);
        if (!res.headersSent) {
          this.unavailable(res, 'Service unavailable', `Could not serve session "${session}"; retry shortly`);
        } else {
          res.destroy();
        }
      });
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.agent.destroy();
  }

  private async route(session: string, req: Request, res: Response, next: NextFunction): Promise<void> {
    const where = await this.owners.locate(session);
    if (where.kind === 'local') return next();
    const from = req.headers[FORWARDED_BY];
    if (from !== undefined) {
      // The forwarding node thought this one was the owner; sending it on could go round in circles.
      return this.moving(
        res,
        `Node ${String(from)} forwarded this request here, but session "${session}" is not served by this node`,
      );
    }
    if (where.kind === 'none') {
      return this.moving(res, `Session "${session}" has no node serving it right now`);
    }
    await this.forward(req, res, where.node, where.url);
  }

  private async forward(req: Request, res: Response, node: string, base: string): Promise<void> {
    const aborted = new AbortController();
    // The caller went away before the whole answer reached it: stop waiting for the owner.
    res.once('close', () => {
      if (!res.writableFinished) aborted.abort();
    });
    let answer: Awaited<ReturnType<typeof request>>;
    try {
      answer = await request(base.replace(/\/+$/, '') + req.originalUrl, {
        method: req.method as 'GET',
        headers: this.requestHeaders(req),
        body: hasBody(req) ? req : undefined,
        dispatcher: this.agent,
        signal: aborted.signal,
      });
    } catch (err) {
      if (aborted.signal.aborted) return;
      const code = errorCode(err);
      if (code === 'UND_ERR_HEADERS_TIMEOUT') {
        res.status(504).json(errorBody('Owner node did not answer', `Node ${node} did not answer in time`));
        return;
      }
      if (code !== undefined && UNREACHABLE.has(code)) {
        this.logger.warn(`Node ${node} (${base}) unreachable: ${describe(err)}`);
        return this.moving(res, `Node ${node}, which serves this session, cannot be reached (${code})`);
      }
      throw err;
    }
    res.status(answer.statusCode);
    for (const [name, value] of Object.entries(answer.headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name)) res.setHeader(name, value);
    }
    try {
      await pipeline(answer.body, res);
    } catch (err) {
      if (!aborted.signal.aborted) this.logger.warn(`Answer of node ${node} cut short: ${describe(err)}`);
      res.destroy();
    }
  }

  /** The caller's headers (API key and request id included) minus this hop's, plus where the request came from. */
  private requestHeaders(req: Request): Record<string, string | string[]> {
    const drop = new Set(HOP_BY_HOP);
    drop.add('host');
    drop.add('expect'); // Node has already answered `100-continue` to the caller.
    for (const name of String(req.headers.connection ?? '').split(',')) drop.add(name.trim().toLowerCase());
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(req.headers as IncomingHttpHeaders)) {
      if (value !== undefined && !drop.has(name)) headers[name] = value;
    }
    headers[FORWARDED_BY] = this.owners.nodeId ?? 'single';
    const client = req.socket.remoteAddress;
    if (client) {
      const before = req.headers['x-forwarded-for'];
      headers['x-forwarded-for'] = before ? `${String(before)}, ${client}` : client;
    }
    return headers;
  }

  private moving(res: Response, details: string): void {
    this.unavailable(res, 'Session is being moved', details);
  }

  private unavailable(res: Response, error: string, details: string): void {
    res.setHeader('Retry-After', this.retryAfterSeconds);
    res.status(503).json(errorBody(error, details));
  }
}

function hasBody(req: Request): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length']) > 0;
}

function errorCode(err: unknown): string | undefined {
  const own = (err as { code?: unknown })?.code;
  if (typeof own === 'string' && own !== 'UND_ERR_SOCKET') return own;
  // undici wraps socket failures; the system error (ECONNREFUSED, ...) is the cause.
  const cause = (err as { cause?: { code?: unknown } })?.cause?.code;
  return typeof cause === 'string' ? cause : typeof own === 'string' ? own : undefined;
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
