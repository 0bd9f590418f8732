import { Global, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { HEALTH_INDICATORS, HealthIndicatorRegistry } from './health-indicator.registry';

@Global()
@Module({
  imports: [TerminusModule.forRoot({ logger: false, errorLogStyle: 'pretty' })],
  controllers: [HealthController],
  providers: [{ provide: HEALTH_INDICATORS, useFactory: () => new HealthIndicatorRegistry() }],
  exports: [HEALTH_INDICATORS],
})
export class HealthModule {}
