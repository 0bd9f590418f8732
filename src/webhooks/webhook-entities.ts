import { InboundWebhookEntity } from './inbound/inbound-webhook.entity';
import { WebhookAttemptEntity } from './webhook-attempt.entity';
import { WebhookDeliveryEntity } from './webhook-delivery.entity';
import { WebhookEndpointEntity } from './webhook-endpoint.entity';
import { WebhookEventEntity } from './webhook-event.entity';

/** The webhooks module's entities (listed in src/database/entities.ts). */
export const WEBHOOK_ENTITIES = [
  WebhookEndpointEntity,
  WebhookEventEntity,
  WebhookDeliveryEntity,
  WebhookAttemptEntity,
  InboundWebhookEntity,
];
