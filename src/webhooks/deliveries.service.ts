import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { once } from 'node:events';
import { DataSource } from 'typeorm';
import { ConflictError, NotFoundError } from '../common/errors/domain-error';
import { all, run, SqlDatabase } from '../database/sql/sql';
import { newEvent } from '../events/domain-event';
import { newDeliveryId } from './delivery.store';
import { DeliveryWorker } from './delivery.worker';
import {
  AttemptResponse,
  DeliveryListResponse,
  DeliveryResponse,
  ListDeliveriesQuery,
  RecoverResponse,
} from './dto/delivery.dto';
import { EndpointsService } from './endpoints.service';
import { subscribes } from './event-filter';
import { OutboxWriter } from './outbox.writer';
import { testMessage } from './test-event';
import { WebhookAttemptEntity } from './webhook-attempt.entity';
import { WebhookDeliveryEntity } from './webhook-delivery.entity';

const iso = (ms: number | null) => (ms == null ? null : new Date(ms).toISOString());

/** The delivery log of an endpoint, and what an operator can do with it: retry, recover, test. */
@Injectable()
export class DeliveriesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly endpoints: EndpointsService,
    private readonly outbox: OutboxWriter,
    private readonly worker: DeliveryWorker,
    private readonly sql: SqlDatabase,
  ) {}

  async list(endpointId: string, query: ListDeliveriesQuery): Promise<DeliveryListResponse> {
    await this.endpoints.find(endpointId);
    const limit = query.limit ?? 50;
    const qb = this.dataSource
      .getRepository(WebhookDeliveryEntity)
      .createQueryBuilder('d')
      .where('d.endpointId = :endpointId', { endpointId })
      .orderBy('d.seq', 'DESC')
      .take(limit + 1);
    if (query.status) qb.andWhere('d.status = :status', { status: query.status });
    if (query.cursor) qb.andWhere('d.seq < :cursor', { cursor: Number(query.cursor) });
    const rows = await qb.getMany();
    const page = rows.slice(0, limit);
    const items = await this.withAttempts(page);
    return { items, nextCursor: rows.length > limit ? String(page[page.length - 1].seq) : null };
  }

  async get(id: string): Promise<DeliveryResponse> {
    return (await this.withAttempts([await this.find(id)]))[0];
  }

  /** One more attempt, now (also for a delivered one: a re-send with the same webhook-id). */
  async retry(id: string): Promise<DeliveryResponse> {
    const delivery = await this.find(id);
    if (delivery.status === 'delivering') {
      throw new ConflictError('Delivery in progress', 'An attempt is running; retry once it has finished');
    }
    const now = Date.now();
    await this.dataSource
      .getRepository(WebhookDeliveryEntity)
      .update(
        { id, status: delivery.status },
        { status: 'pending', runAttempts: 0, runLimit: 1, nextAttemptAt: now, updatedAt: now },
      );
    this.worker.kick();
    return this.get(id);
  }

  /**
   * Re-sends, with a fresh retry schedule, the endpoint's failed deliveries created since `since`, and creates
   * deliveries for events since then that it subscribes to but never got (e.g. while it was disabled).
   */
  async recover(endpointId: string, since: string): Promise<RecoverResponse> {
    const endpoint = await this.endpoints.find(endpointId);
    const from = Date.parse(since);
    const events = JSON.parse(endpoint.events) as string[];
    const result = await this.sql.write(function* () {
      const now = Date.now();
      const requeued = yield* run(
        `UPDATE webhook_deliveries
            SET status = 'pending', run_attempts = 0, run_limit = NULL, next_attempt_at = ?, updated_at = ?
          WHERE endpoint_id = ? AND status = 'failed' AND created_at >= ?`,
        [now, now, endpointId, from],
      );
      const missed = yield* all<{ id: string; type: string }>(
        `SELECT ev.id, ev.type FROM webhook_events ev
          WHERE ev.created_at >= ? AND NOT EXISTS (
            SELECT 1 FROM webhook_deliveries d WHERE d.event_id = ev.id AND d.endpoint_id = ?)
          ORDER BY ev.seq`,
        [from, endpointId],
      );
      const wanted = missed.filter((e) => subscribes(events, e.type));
      for (let i = 0; i < wanted.length; i += 100) {
        const chunk = wanted.slice(i, i + 100);
        yield* run(
          `INSERT INTO webhook_deliveries
             (id, event_id, endpoint_id, event_type, status, next_attempt_at, created_at, updated_at)
           VALUES ${chunk.map(() => `(?, ?, ?, ?, 'pending', ?, ?, ?)`).join(', ')} ON CONFLICT DO NOTHING`,
          chunk.flatMap((e) => [newDeliveryId(), e.id, endpointId, e.type, now, now, now]),
        );
      }
      return { requeued, created: wanted.length };
    });
    this.worker.kick();
    return result;
  }

  /**
   * Sends an example `message.received` event to this endpoint only, through the normal durable path, and
   * answers with the delivery once its first attempt is done (or the time limit has passed).
   */
  async test(endpointId: string, waitMs: number): Promise<DeliveryResponse> {
    const endpoint = await this.endpoints.find(endpointId);
    if (!endpoint.enabled) throw new ConflictError('Endpoint disabled', 'Enable the endpoint first');
    const event = newEvent('message.received', 'default', testMessage());
    const [deliveryId] = await this.sql.write(() => this.outbox.write(event, endpointId));
    const ac = new AbortController();
    const attempted = (async () => {
      for (;;) {
        const [id] = await once(this.worker.attempts, 'attempt', { signal: ac.signal });
        if (id === deliveryId) return;
      }
    })().catch(() => undefined);
    const timer = setTimeout(() => ac.abort(), waitMs);
    this.worker.kick();
    await attempted;
    clearTimeout(timer);
    ac.abort();
    return this.get(deliveryId);
  }

  private async find(id: string): Promise<WebhookDeliveryEntity> {
    const row = await this.dataSource.getRepository(WebhookDeliveryEntity).findOneBy({ id });
    if (!row) throw new NotFoundError('Webhook delivery', id.slice(0, 80));
    return row;
  }

  private async withAttempts(rows: WebhookDeliveryEntity[]): Promise<DeliveryResponse[]> {
    if (!rows.length) return [];
    const attempts = await this.dataSource
      .getRepository(WebhookAttemptEntity)
      .createQueryBuilder('a')
      .where('a.deliveryId IN (:...ids)', { ids: rows.map((r) => r.id) })
      .orderBy('a.seq', 'ASC')
      .getMany();
    const byDelivery = new Map<string, AttemptResponse[]>();
    for (const a of attempts) {
      const list = byDelivery.get(a.deliveryId) ?? [];
      list.push({
        attempt: a.attempt,
        startedAt: iso(a.startedAt) as string,
        durationMs: a.durationMs,
        statusCode: a.statusCode,
        response: a.response,
        error: a.error,
        success: !!a.success,
      });
      byDelivery.set(a.deliveryId, list);
    }
    return rows.map((d) => ({
      id: d.id,
      eventId: d.eventId,
      eventType: d.eventType,
      endpointId: d.endpointId,
      status: d.status,
      attempts: d.attempts,
      nextAttemptAt: d.status === 'pending' ? iso(d.nextAttemptAt) : null,
      lastStatusCode: d.lastStatusCode,
      lastError: d.lastError,
      createdAt: iso(d.createdAt) as string,
      updatedAt: iso(d.updatedAt) as string,
      deliveredAt: iso(d.deliveredAt),
      attemptLog: byDelivery.get(d.id) ?? [],
    }));
  }
}
