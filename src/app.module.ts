import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { AuthModule } from './common/auth/auth.module';
import { ApiKeyGuard } from './common/auth/api-key.guard';
import { AllExceptionsFilter } from './common/errors/all-exceptions.filter';
import { ThrottleGuard } from './common/http/throttle.guard';
import { FixedWindowThrottlerStorage } from './common/http/fixed-window-throttler.storage';
import { DatabaseModule } from './database/database.module';
import { SecretsModule } from './secrets/secrets.module';
import { EventsModule } from './events/events.module';
import { HealthModule } from './health/health.module';
import { InfoController } from './info/info.controller';
import { SandboxCoreModule } from './sandbox/control/sandbox-core.module';
import { SandboxControlModule } from './sandbox/control/sandbox-control.module';
import { WhatsAppModule } from './whatsapp/whatsapp.module';
import { ClusterNodeModule } from './cluster/cluster-node.module';
import { MessagingModule } from './messaging/messaging.module';
import { MediaModule } from './media/media.module';
import { ChatsModule } from './chats/chats.module';
import { ContactsModule } from './contacts/contacts.module';
import { GroupsModule } from './groups/groups.module';
import { RealtimeModule } from './realtime/realtime.module';
import { AutoReplyModule } from './auto-reply/auto-reply.module';
import { WebhooksModule } from './webhooks/webhooks.module';
import { WebhookInspectorModule } from './webhook-inspector/webhook-inspector.module';
import { BackupModule } from './backup/backup.module';
import { MetricsModule } from './metrics/metrics.module';
import { StatsModule } from './stats/stats.module';
import { ClusterModule } from './cluster/cluster.module';
import { ForwardingModule } from './cluster/forwarding/forwarding.module';
import type { SessionOwners } from './cluster/session-owners';

/** What a test may put in place of the real thing. */
export interface AppModuleOptions {
  /** Which node owns which session (default: the cluster module's own). */
  sessionOwners?: SessionOwners;
}

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, options: AppModuleOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        EventEmitterModule.forRoot({ wildcard: false, maxListeners: 50 }),
        ThrottlerModule.forRoot({
          throttlers: [{ ttl: config.THROTTLE_TTL_MS, limit: config.THROTTLE_LIMIT }],
          storage: new FixedWindowThrottlerStorage(),
        }),
        AuthModule,
        SecretsModule,
        DatabaseModule,
        ClusterModule.forRoot(options.sessionOwners),
        ForwardingModule,
        EventsModule,
        // Express tries routes in the order they were registered (module by module): the busiest routes, sending
        // and receiving messages, come first.
        MessagingModule,
        MediaModule,
        ChatsModule,
        ContactsModule,
        GroupsModule,
        HealthModule,
        AutoReplyModule,
        SandboxCoreModule,
        WhatsAppModule,
        ClusterNodeModule,
        ...(config.SANDBOX ? [SandboxControlModule, WebhookInspectorModule] : []),
        RealtimeModule,
        WebhooksModule,
        BackupModule,
        MetricsModule.forRoot(config),
        StatsModule,
      ],
      controllers: [InfoController],
      providers: [
        // Order matters: rate limiting runs before the key check, so key guessing is throttled too.
        { provide: APP_GUARD, useClass: ThrottleGuard },
        { provide: APP_GUARD, useExisting: ApiKeyGuard },
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
      ],
    };
  }
}
