import { Injectable, Logger, RequestMethod } from '@nestjs/common';
import { GUARDS_METADATA, METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, ModuleRef, Reflector } from '@nestjs/core';
import { match, MatchFunction } from 'path-to-regexp';
import { authenticatesByBody, AuthenticatesByBody } from './body-auth';
import { IS_PUBLIC } from './public.decorator';

/**
 * How a request without a valid API key is treated before its body is read:
 * - `key`: every route it can reach needs the key; its body is never read (the guards answer 401);
 * - `public`: a public route (or no route at all: static files, docs, 404): a small body at most;
 * - `body`: a route whose guard authenticates the body itself (a signed inbound webhook): the body is read.
 */
export type KeylessAccess = 'key' | 'public' | 'body';

interface RouteEntry {
  method: string;
  matches: MatchFunction<object>;
  isPublic: boolean;
  bodyGuards: AuthenticatesByBody[];
}

/**
 * The controllers' routes with their authentication rule (`@Public()`, guards that authenticate by body), so
 * that the API key can be checked before a body is read. Built from Nest's metadata on first use (after the
 * routes are registered), matched the way Express matches them (path-to-regexp, case-insensitive, optional
 * trailing slash). When several routes match, the most permissive wins: a mismatch can only let a small body be
 * read, never refuse a public route.
 */
@Injectable()
export class RouteAuthTable {
  private readonly logger = new Logger(RouteAuthTable.name);
  private routes?: RouteEntry[];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    private readonly moduleRef: ModuleRef,
  ) {}

  keylessAccess(method: string, path: string): KeylessAccess {
    const wanted = method === 'HEAD' ? 'GET' : method;
    let access: KeylessAccess | undefined;
    for (const route of (this.routes ??= this.build())) {
      if ((route.method !== wanted && route.method !== 'ALL') || !route.matches(path)) continue;
      if (route.bodyGuards.length) {
        if (route.bodyGuards.every((g) => g.authenticatesByBody())) return 'body';
        access ??= 'key';
      } else if (route.isPublic) {
        return 'public';
      } else {
        access ??= 'key';
      }
    }
    return access ?? 'public';
  }

  private build(): RouteEntry[] {
    const routes: RouteEntry[] = [];
    for (const wrapper of this.discovery.getControllers()) {
      const { instance, metatype } = wrapper;
      if (!instance || !metatype) continue;
      const prototype = Object.getPrototypeOf(instance) as object;
      const base = asList(Reflect.getMetadata(PATH_METADATA, metatype));
      for (const name of this.scanner.getAllMethodNames(prototype)) {
        // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
        const handler = (prototype as Record<string, unknown>)[name] as Function;
        const own = Reflect.getMetadata(PATH_METADATA, handler);
        const requestMethod = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (own === undefined || requestMethod === undefined) continue;
        const isPublic = !!this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [handler, metatype]);
        const guards = [
          ...((Reflect.getMetadata(GUARDS_METADATA, metatype) as unknown[]) ?? []),
          ...((Reflect.getMetadata(GUARDS_METADATA, handler) as unknown[]) ?? []),
        ];
        const bodyGuards = guards.map((g) => this.guardInstance(g)).filter(authenticatesByBody);
        for (const ctrlPath of base) {
          for (const methodPath of asList(own)) {
            routes.push({
              method: RequestMethod[requestMethod],
              matches: match(joinPath(ctrlPath, methodPath), { decode: false, end: true, trailing: true }),
              isPublic,
              bodyGuards,
            });
          }
        }
      }
    }
    return routes;
  }

  private guardInstance(guard: unknown): unknown {
    if (typeof guard !== 'function') return guard;
    try {
      return this.moduleRef.get(guard as new (...args: unknown[]) => unknown, { strict: false });
    } catch {
      this.logger.warn(
        `Guard ${(guard as { name?: string }).name ?? '?'} not found; its route needs the API key`,
      );
      return undefined;
    }
  }
}

function asList(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  return value === undefined ? [''] : [String(value)];
}

/** Nest's joining of controller and method paths: one slash between, a leading slash, no trailing slash. */
function joinPath(...parts: string[]): string {
  const path = parts
    .map((p) => p.replace(/^\/+|\/+$/g, ''))
    .filter(Boolean)
    .join('/');
  return '/' + path;
}
