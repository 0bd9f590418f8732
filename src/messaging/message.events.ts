import { Injectable } from '@nestjs/common';
import { ContactDirectory } from '../contacts/contact-directory';
import type { Sql } from '../database/sql/sql';
import { EventBus } from '../events/event-bus';
import { DomainEvent, EventType, newEvent } from '../events/domain-event';
import { MessageEntity } from './message.entity';
import { MessageStatusEventData, toMessageView } from './message.view';

/**
 * Builds message events and records them in the transaction of the row change (the webhook outbox; part of
 * its body: `yield*`), returning them so the caller can emit them after commit.
 */
@Injectable()
export class MessageEvents {
  constructor(
    readonly bus: EventBus,
    private readonly contacts: ContactDirectory,
  ) {}

  *message(
    type: Extract<EventType, 'message.received' | 'message.sent'>,
    row: MessageEntity,
  ): Sql<DomainEvent> {
    const event = newEvent(type, row.sessionId, toMessageView(row));
    yield* this.bus.record(event);
    return event;
  }

  *status(row: MessageEntity, previousStatus: string, at: number): Sql<DomainEvent> {
    const data: MessageStatusEventData = {
      id: row.id,
      session: row.sessionId,
      waMessageId: row.waMessageId,
      chat: row.chatJid,
      recipient: row.chatType === 'direct' ? yield* this.contacts.person(row.sessionId, row.chatJid) : null,
      status: row.status,
      previousStatus,
      error: row.error,
      at: new Date(at).toISOString(),
      createdAt: new Date(row.createdAt).toISOString(),
    };
    const event = newEvent('message.status', row.sessionId, data);
    yield* this.bus.record(event);
    return event;
  }

  /** An event about a change of a message (edit, revoke, reaction, poll vote). */
  *change(
    type: Extract<EventType, 'message.edited' | 'message.revoked' | 'message.reaction' | 'poll.vote'>,
    sessionId: string,
    data: object,
  ): Sql<DomainEvent> {
    const event = newEvent(type, sessionId, data);
    yield* this.bus.record(event);
    return event;
  }

  emit(events: DomainEvent[]): void {
    for (const e of events) this.bus.emit(e);
  }
}
