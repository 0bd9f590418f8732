import { Body, Controller, Get, HttpCode, Post, Query, Req, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiSecurity,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Public } from '../../common/auth/public.decorator';
import { ErrorResponse } from '../../common/errors/error-response';
import {
  InboundAcceptedResponse,
  InboundListResponse,
  InboundWebhookDto,
  ListInboundQuery,
} from './inbound.dto';
import { InboundWebhookGuard, VerifiedRequest } from './inbound.guard';
import { InboundWebhooksService } from './inbound-webhooks.service';

@ApiTags('webhooks')
@Controller('api/webhook')
export class InboundWebhooksController {
  constructor(private readonly inbound: InboundWebhooksService) {}

  @Post()
  @Public()
  @UseGuards(InboundWebhookGuard)
  @HttpCode(200)
  @ApiSecurity('api-key')
  @ApiOperation({
    summary: 'Receive a webhook from an external system (seed-compatible)',
    description:
      'Stored, listed by GET /api/webhook/inbound and published on Socket.IO as `webhook.inbound`. With ' +
      'INBOUND_WEBHOOK_SECRET set, the request must be signed instead of carrying the API key: Standard ' +
      'Webhooks headers, or `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>`.',
  })
  @ApiHeader({ name: 'webhook-signature', required: false, description: 'Standard Webhooks signature' })
  @ApiHeader({ name: 'X-Hub-Signature-256', required: false, description: 'sha256=<hex HMAC of the body>' })
  @ApiOkResponse({ type: InboundAcceptedResponse })
  @ApiBadRequestResponse({ type: ErrorResponse })
  @ApiUnauthorizedResponse({ type: ErrorResponse, description: 'Missing or invalid signature / API key' })
  async receive(
    @Body() dto: InboundWebhookDto,
    @Req() req: VerifiedRequest,
  ): Promise<InboundAcceptedResponse> {
    await this.inbound.receive(dto, req.inboundVerifiedBy ?? 'api-key');
    return { status: 'success', message: 'Webhook received' };
  }

  @Get('inbound')
  @ApiOperation({ summary: 'Inbound webhooks received, newest first' })
  @ApiOkResponse({ type: InboundListResponse })
  @ApiBadRequestResponse({ type: ErrorResponse })
  @ApiUnauthorizedResponse({ type: ErrorResponse })
  list(@Query() query: ListInboundQuery): Promise<InboundListResponse> {
    return this.inbound.list(query.limit, query.cursor);
  }
}
