import { Module } from '@nestjs/common';
import { EventsGateway } from './events.gateway';

/** Socket.IO live events (the gateway forwards the in-process event bus to authenticated clients). */
@Module({ providers: [EventsGateway], exports: [EventsGateway] })
export class RealtimeModule {}
