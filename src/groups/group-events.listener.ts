import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { newEvent } from '../events/domain-event';
import { EventBus } from '../events/event-bus';
import { ENGINE_GROUP, EngineGroupEvent } from '../whatsapp/sessions/engine-events';
import { toGroupEvent } from './group-event';

/** Group changes WhatsApp announced become `group.*` events (webhooks, Socket.IO). */
@Injectable()
export class GroupEventsListener {
  private readonly logger = new Logger(GroupEventsListener.name);

  constructor(private readonly events: EventBus) {}

  @OnEvent(ENGINE_GROUP)
  onGroupEvent({ sessionId, event }: EngineGroupEvent): void {
    const { type, data } = toGroupEvent(sessionId, event);
    this.events.publish(newEvent(type, sessionId, data)).catch((err: Error) => {
      this.logger.error(`[${sessionId}] ${type} not recorded: ${err.message}`);
    });
  }
}
