import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { newEvent } from '../events/domain-event';
import { EventBus } from '../events/event-bus';
import { ENGINE_PRESENCE, EnginePresenceEvent } from '../whatsapp/sessions/engine-events';
import { toPresenceEventData } from './presence-event';

/** A subscribed person's presence or chat state becomes a `presence.update` event (webhooks, Socket.IO). */
@Injectable()
export class PresenceListener {
  private readonly logger = new Logger(PresenceListener.name);

  constructor(private readonly events: EventBus) {}

  @OnEvent(ENGINE_PRESENCE)
  onPresence({ sessionId, update }: EnginePresenceEvent): void {
    const event = newEvent('presence.update', sessionId, toPresenceEventData(sessionId, update));
    this.events.publish(event).catch((err: Error) => {
      this.logger.error(`[${sessionId}] presence.update not recorded: ${err.message}`);
    });
  }
}
