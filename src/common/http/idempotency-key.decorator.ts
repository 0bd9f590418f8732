import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

/**
 * The request's `Idempotency-Key` header, or undefined. A param decorator of its own rather than
 * `@Headers('idempotency-key')`, which Swagger would list as a second, required header beside the documented one.
 */
export const IdempotencyKey = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): string | undefined => {
    const value = ctx.switchToHttp().getRequest<Request>().headers['idempotency-key'];
    return typeof value === 'string' ? value : undefined;
  },
);
