import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EndpointSecrets } from '../webhooks/endpoint-secrets';
import { WebhookEndpointEntity } from '../webhooks/webhook-endpoint.entity';
import { InspectorBodyGuard } from './inspector-body.guard';
import { WebhookInspectorController } from './webhook-inspector.controller';
import { WebhookInspectorService } from './webhook-inspector.service';

/** The sandbox's built-in webhook receiver; imported only when SANDBOX=true. */
@Module({
  imports: [TypeOrmModule.forFeature([WebhookEndpointEntity])],
  controllers: [WebhookInspectorController],
  providers: [WebhookInspectorService, EndpointSecrets, InspectorBodyGuard],
})
export class WebhookInspectorModule {}
