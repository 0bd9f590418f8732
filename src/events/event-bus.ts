import { Injectable, Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { Sql, SqlDatabase } from '../database/sql/sql';
import { DomainEvent } from './domain-event';

/**
 * A durable consumer (the webhook outbox) writes its rows in the same transaction as the event's source row:
 * its statements are part of the producer's transaction body (see `SqlDatabase.write`), and a thrown error rolls
 * that transaction back (so an event is never stored without its deliveries).
 */
export type OutboxWriter = (event: DomainEvent) => Sql<void>;

/**
 * The internal event bus. Two halves:
 * - `record(event)`: inside the caller's transaction, every registered outbox writer stores what it must
 *   deliver later (so a crash after commit loses nothing, and a rollback delivers nothing);
 * - `emit(event)`: after commit, in-process subscribers (`@OnEvent('message.received')`, ...) are told.
 * `publish(event)` does both for events that have no source row of their own (session status, QR).
 */
@Injectable()
export class EventBus {
  private readonly logger = new Logger(EventBus.name);
  private readonly writers: OutboxWriter[] = [];

  constructor(
    private readonly emitter: EventEmitter2,
    private readonly sql: SqlDatabase,
  ) {}

  registerOutboxWriter(writer: OutboxWriter): void {
    this.writers.push(writer);
  }

  /** Part of a transaction body: `yield* bus.record(event)`. */
  *record(event: DomainEvent): Sql<void> {
    for (const writer of this.writers) yield* writer(event);
  }

  emit(event: DomainEvent): void {
    try {
      this.emitter.emit(event.type, event);
    } catch (err) {
      // A failing in-process subscriber must not break the producer; durable consumers already have their rows.
      this.logger.error(`Subscriber of ${event.type} failed: ${(err as Error).message}`);
    }
  }

  async publish(event: DomainEvent): Promise<void> {
    if (this.writers.length) await this.sql.write(() => this.record(event));
    this.emit(event);
  }
}
