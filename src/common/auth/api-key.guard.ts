import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ApiKeyService } from './api-key.service';
import { IS_PUBLIC } from './public.decorator';

/** Global guard: every HTTP route needs the API key unless marked `@Public()` or auth is explicitly disabled. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeyService,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    if (this.keys.disabled) return true;
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    const req = context.switchToHttp().getRequest<Request>();
    const key = ApiKeyService.extract(req.headers);
    if (!key) {
      throw new UnauthorizedException({
        error: 'Unauthorized',
        details: 'Missing API key: send it as "X-API-Key: <key>" or "Authorization: Bearer <key>"',
      });
    }
    if (!this.keys.matches(key)) {
      throw new UnauthorizedException({ error: 'Unauthorized', details: 'Invalid API key' });
    }
    return true;
  }
}
