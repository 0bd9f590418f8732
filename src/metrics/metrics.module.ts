import { DynamicModule, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { WhatsAppModule } from '../whatsapp/whatsapp.module';
import { HttpMetricsMiddleware } from './http-metrics.middleware';
import { MetricsController, PublicMetricsController } from './metrics.controller';
import { MetricsListener } from './metrics.listener';
import { MetricsRegistry } from './metrics.registry';
import { MetricsServer } from './metrics.server';
import { ScrapeGauges } from './scrape-gauges';
import { ScrapeQueries } from './scrape-queries';

/**
 * Prometheus metrics: GET /metrics on the main port (behind the API key unless METRICS_PUBLIC=true), or on
 * METRICS_PORT instead; counters fed by the gateway's events, gauges read at scrape time.
 */
@Module({})
export class MetricsModule implements NestModule {
  static forRoot(config: AppConfig): DynamicModule {
    const ownPort = config.METRICS_PORT !== undefined;
    return {
      module: MetricsModule,
      imports: [WhatsAppModule],
      controllers: ownPort ? [] : [config.METRICS_PUBLIC ? PublicMetricsController : MetricsController],
      providers: [MetricsRegistry, ScrapeQueries, ScrapeGauges, MetricsListener, MetricsServer],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes('*');
  }
}
