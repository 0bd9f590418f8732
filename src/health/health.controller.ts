import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorFunction,
  MemoryHealthIndicator,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { AppConfig } from '../config/app-config';
import { Public } from '../common/auth/public.decorator';
import { HEALTH_DOWN_EXAMPLE, HEALTH_UP_EXAMPLE, HealthView } from './health.dto';
import { HEALTH_INDICATORS, HealthIndicatorRegistry } from './health-indicator.registry';
import { Inject } from '@nestjs/common';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly memory: MemoryHealthIndicator,
    private readonly config: AppConfig,
    @Inject(HEALTH_INDICATORS) private readonly extra: HealthIndicatorRegistry,
  ) {}

  @Get()
  @Public()
  @HealthCheck({ swaggerDocumentation: false })
  @ApiOperation({ summary: 'Liveness and readiness: database, heap and WhatsApp sessions' })
  @ApiOkResponse({ type: HealthView, description: 'Every check is up', example: HEALTH_UP_EXAMPLE })
  @ApiServiceUnavailableResponse({
    type: HealthView,
    description: 'A check is down: `error` names it (the health shape, not `{error, details}`)',
    example: HEALTH_DOWN_EXAMPLE,
  })
  check() {
    const checks: HealthIndicatorFunction[] = [
      () => this.db.pingCheck('database'),
      () => this.memory.checkHeap('heap', this.config.HEALTH_HEAP_LIMIT_MB * 1024 * 1024),
      ...this.extra.indicators,
    ];
    return this.health.check(checks);
  }
}
