import { Controller, Delete, Get, HttpCode, Param, Post, Req, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Public } from '../common/auth/public.decorator';
import { ApiErrors } from '../common/errors/api-errors';
import { AppConfig } from '../config/app-config';
import { InspectorBodyGuard } from './inspector-body.guard';
import { readRawBody } from './read-raw-body';
import {
  INSPECTOR_PATH,
  InspectorBinView,
  InspectorClearedView,
  InspectorReceivedView,
} from './webhook-inspector.dto';
import { WebhookInspectorService } from './webhook-inspector.service';

const BIN_PARAM = { name: 'bin', example: 'default', description: 'Any name (1-64 letters, digits, _ or -)' };

/**
 * Sandbox mode only: a webhook receiver built into the gateway, so webhooks can be tried with no other server.
 * Like a real receiver it takes deliveries without the API key (it checks their signature instead); reading what
 * it received needs the key.
 */
@ApiTags('sandbox')
@Controller(INSPECTOR_PATH.slice(1))
export class WebhookInspectorController {
  constructor(
    private readonly inspector: WebhookInspectorService,
    private readonly config: AppConfig,
  ) {}

  @Post(':bin')
  @Public()
  @UseGuards(InspectorBodyGuard)
  @HttpCode(200)
  @ApiParam(BIN_PARAM)
  @ApiOperation({
    summary: 'Webhook inspector: receive a delivery (public, like a real receiver)',
    description:
      'Register this URL as a webhook endpoint. Records the request (headers, body, and whether its Standard ' +
      'Webhooks signature matches the secret of an endpoint pointing here); keeps the last 100 requests, 64 KiB ' +
      'of each body.',
    security: [],
  })
  @ApiOkResponse({ type: InspectorReceivedView })
  @ApiErrors(400, 413)
  async receive(@Param('bin') bin: string, @Req() req: Request): Promise<InspectorReceivedView> {
    const rawBody = await readRawBody(req, this.config.BODY_LIMIT_BYTES);
    const recorded = await this.inspector.receive(bin, { method: req.method, headers: req.headers, rawBody });
    return { received: true, id: recorded.id };
  }

  @Get(':bin')
  @ApiParam(BIN_PARAM)
  @ApiOperation({
    summary: 'Webhook inspector: the requests it received, newest first, with their signature check',
  })
  @ApiOkResponse({ type: InspectorBinView })
  @ApiErrors(400, 401)
  async list(@Param('bin') bin: string, @Req() req: Request): Promise<InspectorBinView> {
    const { requests, endpointIds } = await this.inspector.list(bin);
    return {
      bin,
      // Loopback, whatever address the console was opened by: the gateway delivers to itself, and sandbox mode
      // allows loopback webhook URLs only (a LAN address would be refused by the address policy).
      url: `http://127.0.0.1:${req.socket.localPort}${INSPECTOR_PATH}/${bin}`,
      endpointIds,
      requests,
    };
  }

  @Delete(':bin')
  @ApiParam(BIN_PARAM)
  @ApiOperation({ summary: 'Webhook inspector: forget the requests of a bin' })
  @ApiOkResponse({ type: InspectorClearedView })
  @ApiErrors(400, 401)
  clear(@Param('bin') bin: string): InspectorClearedView {
    return { cleared: this.inspector.clear(bin) };
  }
}
