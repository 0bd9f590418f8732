import { ExecutionContext, HttpException, HttpStatus, Injectable } from '@nestjs/common';
import { normalizeIp, ThrottlerGuard, ThrottlerLimitDetail } from '@nestjs/throttler';
import { FixedWindowThrottlerStorage } from './fixed-window-throttler.storage';

/** Metadata keys of @nestjs/throttler's route decorators (@Throttle, @SkipThrottle, ...) share this prefix. */
const ROUTE_SETTING_PREFIX = 'THROTTLER:';

/**
 * @nestjs/throttler's guard, answering in the API's error shape (it already sets `Retry-After`), with a fast path.
 *
 * For every request the library re-reads six metadata keys per throttler through the Reflector, hashes its key
 * and awaits each step; at a few thousand requests per second that was a measurable share of a request. Routes
 * without throttler decorators of their own (all of ours) take the fast path: the module's throttlers, the
 * client's address (IPv6 grouped by subnet, as the library does) and one synchronous count in our fixed-window
 * store, with the library's headers. Whether a route has its own settings is looked up once per handler; any
 * route that does goes through the library unchanged.
 */
@Injectable()
export class ThrottleGuard extends ThrottlerGuard {
  private readonly routeSettings = new WeakMap<object, boolean>();

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const store = this.storageService;
    if (
      context.getType() !== 'http' ||
      !(store instanceof FixedWindowThrottlerStorage) ||
      this.hasRouteSettings(context)
    )
      return super.canActivate(context);
    const { req, res } = this.getRequestResponse(context);
    const tracker = normalizeIp(req.ip, this.ipv6SubnetPrefix);
    for (const throttler of this.throttlers) {
      const name = throttler.name ?? 'default';
      const limit = throttler.limit as number;
      const ttl = throttler.ttl as number;
      const blockDuration = (throttler.blockDuration as number | undefined) ?? ttl;
      const key = this.generateKey(context, tracker, name);
      const hit = store.hit(key, ttl, limit, blockDuration, name);
      const suffix = name === 'default' ? '' : `-${name}`;
      if (hit.isBlocked) {
        res.setHeader(`Retry-After${suffix}`, hit.timeToBlockExpire);
        await this.throwThrottlingException(context, { limit, ttl, key, tracker, ...hit });
      }
      res.setHeader(`${this.headerPrefix}-Limit${suffix}`, limit);
      res.setHeader(`${this.headerPrefix}-Remaining${suffix}`, Math.max(0, limit - hit.totalHits));
      res.setHeader(`${this.headerPrefix}-Reset${suffix}`, hit.timeToExpire);
    }
    return true;
  }

  /** The library hashes this key with SHA-256; our store is in memory and never shows keys to anyone. */
  protected override generateKey(ctx: ExecutionContext, tracker: string, name: string): string {
    return `${ctx.getClass().name}-${ctx.getHandler().name}-${name}-${tracker}`;
  }

  protected override async throwThrottlingException(_ctx: ExecutionContext, detail: ThrottlerLimitDetail) {
    const seconds = Math.max(1, Math.ceil(detail.timeToBlockExpire));
    throw new HttpException(
      {
        error: 'Too many requests',
        details: `Limit of ${detail.limit} requests per ${Math.round(detail.ttl / 1000)} s reached; retry in ${seconds} s`,
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }

  /** Whether the handler or its controller carries throttler settings of its own (cached per handler). */
  private hasRouteSettings(context: ExecutionContext): boolean {
    const handler = context.getHandler();
    let has = this.routeSettings.get(handler);
    if (has === undefined) {
      const keys = [...Reflect.getMetadataKeys(handler), ...Reflect.getMetadataKeys(context.getClass())];
      has =
        keys.some((k) => typeof k === 'string' && k.startsWith(ROUTE_SETTING_PREFIX)) ||
        this.throttlers.some(
          (t) => typeof t.limit !== 'number' || typeof t.ttl !== 'number' || !!t.skipIf || !!t.getTracker,
        ) ||
        !!this.commonOptions.skipIf ||
        !!this.commonOptions.ignoreUserAgents?.length;
      this.routeSettings.set(handler, has);
    }
    return has;
  }
}
