import { Controller, Get, Res } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../common/auth/public.decorator';
import { ErrorResponse } from '../common/errors/error-response';
import { MetricsRegistry } from './metrics.registry';

/** GET /metrics on the main port, behind the API key (see `PublicMetricsController` for METRICS_PUBLIC=true). */
@ApiTags('metrics')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsRegistry) {}

  @Get()
  @ApiOperation({
    summary: 'Prometheus metrics (text exposition format)',
    description:
      'Sessions by status, reconnects by reason, linking attempts, send queues, sends by outcome and their ' +
      'latency, receipts, incoming messages, webhook deliveries and their latency, HTTP requests by route, ' +
      'database commit latency, and the Node.js process (heap, event-loop lag). Needs the API key unless ' +
      'METRICS_PUBLIC=true; with METRICS_PORT set it is served on that port only.',
  })
  @ApiProduces('text/plain')
  @ApiOkResponse({
    description: 'Prometheus text format 0.0.4',
    content: {
      'text/plain': {
        schema: {
          type: 'string',
          example:
            '# HELP wa_gateway_sessions Sessions by status\n# TYPE wa_gateway_sessions gauge\n' +
            'wa_gateway_sessions{status="connected"} 1\n',
        },
      },
    },
  })
  @ApiUnauthorizedResponse({
    type: ErrorResponse,
    description: 'No valid API key (and METRICS_PUBLIC is off)',
  })
  @ApiTooManyRequestsResponse({ type: ErrorResponse })
  async scrape(@Res() res: Response): Promise<void> {
    const text = await this.metrics.scrape();
    res.setHeader('Cache-Control', 'no-store');
    res.type(this.metrics.contentType).send(text);
  }
}

/** The same route without the API key (METRICS_PUBLIC=true). */
@Public()
@Controller('metrics')
export class PublicMetricsController extends MetricsController {}
