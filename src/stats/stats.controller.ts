import { Controller, Get, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ErrorResponse } from '../common/errors/error-response';
import { StatsQuery } from './dto/stats.query';
import { StatsView } from './dto/stats.view';
import { StatsService } from './stats.service';

const EXAMPLE_COUNTS = {
  in: 12,
  out: 9,
  sent: 8,
  delivered: 7,
  read: 4,
  failed: 1,
  pending: 0,
  deliveryRate: 0.875,
  readRate: 0.5,
};
const EXAMPLE_WEBHOOKS = { attempts: 22, succeeded: 21, successRate: 0.955, p50Ms: 25, p95Ms: 100 };

const EXAMPLE: StatsView = {
  from: '2026-12-01T10:00:00.000Z',
  to: '2026-12-01T11:00:00.000Z',
  bucket: 'hour',
  session: null,
  buckets: [{ start: '2026-12-01T10:00:00.000Z', messages: EXAMPLE_COUNTS, webhooks: EXAMPLE_WEBHOOKS }],
  totals: {
    messages: EXAMPLE_COUNTS,
    failureReasons: [{ reason: 'recipient is not on WhatsApp', count: 1 }],
    webhooks: EXAMPLE_WEBHOOKS,
    webhookDeliveries: { delivered: 20, failed: 1, pending: 0, successRate: 0.952 },
  },
  queue: [{ session: 'default', depth: 0 }],
};

@ApiTags('stats')
@ApiUnauthorizedResponse({ type: ErrorResponse })
@Controller('api/stats')
export class StatsController {
  constructor(private readonly stats: StatsService) {}

  @Get()
  @ApiOperation({
    summary:
      'Traffic statistics per hour or day: messages, delivery and read rates, failures, webhooks, queues',
    description:
      'Buckets are UTC. Messages count in the bucket of their creation with the status they have now; ' +
      'deliveryRate and readRate are delivered (or read) / sent, over outgoing messages the server took. ' +
      'Webhook figures cover every endpoint (deliveries have no session); attempt latency p50/p95 are read ' +
      'from a histogram with bounds 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000 ms and give the upper ' +
      'bound of the bucket holding the percentile (10000 means at least 10 s). Queue depth is now.',
  })
  @ApiOkResponse({ type: StatsView, example: EXAMPLE })
  @ApiBadRequestResponse({ type: ErrorResponse, description: 'Bad dates, bucket, session or window' })
  get(@Query() q: StatsQuery): Promise<StatsView> {
    return this.stats.stats(q);
  }
}
