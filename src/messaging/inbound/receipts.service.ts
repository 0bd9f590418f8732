import { Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import type { Sql } from '../../database/sql/sql';
import type { DomainEvent } from '../../events/domain-event';
import type { Receipt } from '../../whatsapp/engine/engine.types';
import { ENGINE_RECEIPTS, EngineReceiptsEvent } from '../../whatsapp/sessions/engine-events';
import { MessageEntity, MessageStatus } from '../message.entity';
import { MessageEvents } from '../message.events';
import { MessageStore, STATUS_RANK } from '../message.store';
import { MessageQueueService } from '../send/message-queue.service';

/**
 * Delivery and read receipts move a sent message forward (never backwards), each a `message.status` event.
 * In a group each member's receipt is kept (`message_receipts`), and the message's status follows the first.
 * A receipt can come for a message still `queued` or `sending`: its first send reached WhatsApp but its
 * acknowledgement was not processed (a crash, a lost connection). It settles the message, which then leaves
 * the send queue and is not sent again.
 */
@Injectable()
export class ReceiptsService {
  constructor(
    private readonly store: MessageStore,
    private readonly events: MessageEvents,
    private readonly queue: MessageQueueService,
  ) {}

  /** Resolves once stored (the engine acknowledges the receipts to WhatsApp then); rejects if not stored. */
  @OnEvent(ENGINE_RECEIPTS, { async: true, promisify: true, suppressErrors: false })
  async onReceipts({ sessionId, receipts }: EngineReceiptsEvent): Promise<void> {
    const { events: emitted, settled } = await this.store.write(() => this.apply(sessionId, receipts));
    this.queue.settled(sessionId, settled);
    this.events.emit(emitted);
  }

  private *apply(
    sessionId: string,
    receipts: Receipt[],
  ): Sql<{ events: DomainEvent[]; settled: { seq: number; previous: 'queued' | 'sending' }[] }> {
    const events: DomainEvent[] = [];
    const settled: { seq: number; previous: 'queued' | 'sending' }[] = [];
    for (const r of receipts) {
      const row = yield* this.store.byWaId(sessionId, r.waMessageId, 'out');
      if (!row) continue;
      if (r.participantJid && r.status !== 'failed')
        yield* this.store.participantReceipt(
          row.id,
          r.participantJid,
          r.status,
          r.timestamp * 1000 || Date.now(),
        );
      const next: MessageStatus = r.status;
      const previous = row.status;
      if (next !== 'failed' && STATUS_RANK[next] <= STATUS_RANK[previous]) continue;
      if (next === 'failed' && STATUS_RANK[previous] >= STATUS_RANK.delivered) continue;
      const at = r.timestamp * 1000 || Date.now();
      const patch: Partial<MessageEntity> = { status: next };
      if (next === 'delivered' || next === 'read' || next === 'played')
        patch.deliveredAt = row.deliveredAt ?? at;
      if (next === 'read' || next === 'played') patch.readAt = row.readAt ?? at;
      if (next === 'failed') Object.assign(patch, { failedAt: at, error: r.error ?? 'rejected by WhatsApp' });
      Object.assign(row, patch);
      yield* this.store.update(row.seq, patch);
      if (previous === 'queued' || previous === 'sending') settled.push({ seq: row.seq, previous });
      events.push(yield* this.events.status(row, previous, at));
    }
    return { events, settled };
  }
}
