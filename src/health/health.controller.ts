import { Controller, Get, Req, ServiceUnavailableException } from '@nestjs/common';
import type { Request } from 'express';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorFunction,
  MemoryHealthIndicator,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { AppConfig } from '../config/app-config';
import { ApiKeyService } from '../common/auth/api-key.service';
import { Public } from '../common/auth/public.decorator';
import { HEALTH_DOWN_EXAMPLE, HEALTH_UP_EXAMPLE, HealthView } from './health.dto';
import { HEALTH_INDICATORS, HealthIndicatorRegistry } from './health-indicator.registry';
import { healthSummary } from './health-summary';
import { Inject } from '@nestjs/common';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly memory: MemoryHealthIndicator,
    private readonly config: AppConfig,
    private readonly keys: ApiKeyService,
    @Inject(HEALTH_INDICATORS) private readonly extra: HealthIndicatorRegistry,
  ) {}

  @Get()
  @Public()
  @HealthCheck({ swaggerDocumentation: false })
  @ApiOperation({
    summary: 'Liveness and readiness: database, heap and WhatsApp sessions',
    description:
      'Without the API key: the overall status and how many checks are up and down. With it: every check ' +
      'with its details (the WhatsApp check lists the sessions, their status and the reasons of those not connected).',
  })
  @ApiOkResponse({
    type: HealthView,
    description: 'Every check is up (details with the key)',
    example: HEALTH_UP_EXAMPLE,
  })
  @ApiServiceUnavailableResponse({
    type: HealthView,
    description: 'A check is down: with the key `error` names it (the health shape, not `{error, details}`)',
    example: HEALTH_DOWN_EXAMPLE,
  })
  async check(@Req() req: Request) {
    const checks: HealthIndicatorFunction[] = [
      () => this.db.pingCheck('database'),
      () => this.memory.checkHeap('heap', this.config.HEALTH_HEAP_LIMIT_MB * 1024 * 1024),
      ...this.extra.indicators,
    ];
    const detailed = this.keys.disabled || this.keys.matches(ApiKeyService.extract(req.headers));
    try {
      const result = await this.health.check(checks);
      return detailed ? result : healthSummary(result);
    } catch (err) {
      if (detailed || !(err instanceof ServiceUnavailableException)) throw err;
      throw new ServiceUnavailableException(
        healthSummary(err.getResponse() as Parameters<typeof healthSummary>[0]),
      );
    }
  }
}
