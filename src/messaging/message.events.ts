import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { EventBus } from '../events/event-bus';
import { DomainEvent, EventType, newEvent } from '../events/domain-event';
import { MessageEntity } from './message.entity';
import { MessageStatusEventData, toMessageView } from './message.view';

/**
 * Builds message events and records them in the same transaction as the row change (the webhook outbox),
 * returning them so the caller can emit them after commit.
 */
@Injectable()
export class MessageEvents {
  constructor(readonly bus: EventBus) {}

  async message(
    em: EntityManager,
    type: Extract<EventType, 'message.received' | 'message.sent'>,
    row: MessageEntity,
  ) {
    const event = newEvent(type, row.sessionId, toMessageView(row));
    await this.bus.recordIn(em, event);
    return event;
  }

  async status(em: EntityManager, row: MessageEntity, previousStatus: string, at: number) {
    const data: MessageStatusEventData = {
      id: row.id,
      session: row.sessionId,
      waMessageId: row.waMessageId,
      chat: row.chatJid,
      status: row.status,
      previousStatus,
      error: row.error,
      at: new Date(at).toISOString(),
    };
    const event = newEvent('message.status', row.sessionId, data);
    await this.bus.recordIn(em, event);
    return event;
  }

  emit(events: DomainEvent[]): void {
    for (const e of events) this.bus.emit(e);
  }
}
