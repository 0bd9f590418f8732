import { ExecutionContext, HttpException, HttpStatus, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerLimitDetail } from '@nestjs/throttler';

/** @nestjs/throttler's guard, answering in the API's error shape (it already sets `Retry-After`). */
@Injectable()
export class ThrottleGuard extends ThrottlerGuard {
  /**
   * The library hashes this key with SHA-256 on every request; our store is in memory and never shows keys to
   * anyone, so the plain string does the same job without a hash per throttler per request.
   */
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
}
