import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import type { Request } from 'express';
import { ApiKeyService } from '../../common/auth/api-key.service';
import type { AuthenticatesByBody } from '../../common/auth/body-auth';
import { AppConfig } from '../../config/app-config';
import { verifyInboundSignature } from './inbound-signature';
import type { InboundVerification } from './inbound-webhook.entity';

export type VerifiedRequest = Request & { rawBody?: Buffer; inboundVerifiedBy?: InboundVerification };

/**
 * POST /api/webhook: with INBOUND_WEBHOOK_SECRET set, a valid signature is the only way in (the API key is not
 * enough); without it, the API key is needed like everywhere else (and a body without it is never read).
 */
@Injectable()
export class InboundWebhookGuard implements CanActivate, AuthenticatesByBody {
  constructor(
    private readonly config: AppConfig,
    private readonly keys: ApiKeyService,
  ) {}

  authenticatesByBody(): boolean {
    return !!this.config.INBOUND_WEBHOOK_SECRET;
  }

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<VerifiedRequest>();
    const secret = this.config.INBOUND_WEBHOOK_SECRET;
    if (secret) {
      const scheme = verifyInboundSignature(req.rawBody ?? Buffer.alloc(0), req.headers, secret);
      if (!scheme) {
        throw new UnauthorizedException({
          error: 'Unauthorized',
          details:
            'Missing or invalid signature: sign the raw body with the shared secret (Standard Webhooks ' +
            'webhook-id/webhook-timestamp/webhook-signature headers, or X-Hub-Signature-256)',
        });
      }
      req.inboundVerifiedBy = scheme;
      return true;
    }
    if (this.keys.disabled || this.keys.matches(ApiKeyService.extract(req.headers))) {
      req.inboundVerifiedBy = 'api-key';
      return true;
    }
    throw new UnauthorizedException({
      error: 'Unauthorized',
      details: 'Missing or invalid API key: send it as "X-API-Key: <key>" or "Authorization: Bearer <key>"',
    });
  }
}
