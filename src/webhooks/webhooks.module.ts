import { Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EventBus } from '../events/event-bus';
import { DefaultEndpoint } from './default-endpoint';
import { DeliveriesController } from './deliveries.controller';
import { DeliveriesService } from './deliveries.service';
import { DeliveryWorker } from './delivery.worker';
import { EndpointsController } from './endpoints.controller';
import { EndpointSecrets } from './endpoint-secrets';
import { EndpointsService } from './endpoints.service';
import { InboundWebhooksController } from './inbound/inbound-webhooks.controller';
import { InboundWebhookGuard } from './inbound/inbound.guard';
import { InboundWebhooksService } from './inbound/inbound-webhooks.service';
import { OutboxWriter } from './outbox.writer';
import { WEBHOOK_ENTITIES } from './webhook-entities';
import { WebhookSettings } from './webhook-settings';

/**
 * Outbound webhooks (endpoints, the outbox, signed durable delivery with retries, the delivery log) and the
 * seed's inbound webhook route.
 */
@Module({
  imports: [TypeOrmModule.forFeature(WEBHOOK_ENTITIES)],
  controllers: [EndpointsController, DeliveriesController, InboundWebhooksController],
  providers: [
    WebhookSettings,
    EndpointSecrets,
    OutboxWriter,
    DeliveryWorker,
    EndpointsService,
    DeliveriesService,
    DefaultEndpoint,
    InboundWebhooksService,
    InboundWebhookGuard,
  ],
  exports: [InboundWebhooksService],
})
export class WebhooksModule implements OnModuleInit {
  constructor(
    private readonly eventBus: EventBus,
    private readonly outbox: OutboxWriter,
  ) {}

  onModuleInit(): void {
    const outbox = this.outbox;
    this.eventBus.registerOutboxWriter(function* (event) {
      yield* outbox.write(event);
    });
  }
}
