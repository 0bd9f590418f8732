import { Injectable, Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { LessThan, Repository } from 'typeorm';
import {
  InboundListResponse,
  InboundWebhookDto,
  InboundWebhookResponse,
  toInboundResponse,
} from './inbound.dto';
import { InboundVerification, InboundWebhookEntity } from './inbound-webhook.entity';

/** In-process event (forwarded to Socket.IO) carrying an InboundWebhookResponse. */
export const INBOUND_WEBHOOK_EVENT = 'webhook.inbound';

/** Stores inbound webhooks, tells in-process listeners, lists them. */
@Injectable()
export class InboundWebhooksService {
  private readonly logger = new Logger(InboundWebhooksService.name);

  constructor(
    @InjectRepository(InboundWebhookEntity) private readonly repo: Repository<InboundWebhookEntity>,
    private readonly emitter: EventEmitter2,
  ) {}

  async receive(dto: InboundWebhookDto, verifiedBy: InboundVerification): Promise<InboundWebhookResponse> {
    const entity = this.repo.create({
      id: `inb_${randomUUID().replace(/-/g, '')}`,
      from: dto.from,
      message: dto.message,
      timestamp: dto.timestamp ?? null,
      verifiedBy,
      receivedAt: Date.now(),
    });
    await this.repo.insert(entity);
    const view = toInboundResponse(entity);
    this.logger.log(`Inbound webhook ${view.id} received (verified by ${verifiedBy})`);
    this.logger.debug(`Inbound webhook ${view.id} from ${dto.from}`);
    try {
      this.emitter.emit(INBOUND_WEBHOOK_EVENT, view);
    } catch (err) {
      this.logger.error(`A ${INBOUND_WEBHOOK_EVENT} listener failed: ${(err as Error).message}`);
    }
    return view;
  }

  async list(limit = 50, cursor?: string): Promise<InboundListResponse> {
    const rows = await this.repo.find({
      where: cursor ? { seq: LessThan(Number(cursor)) } : {},
      order: { seq: 'DESC' },
      take: limit + 1,
    });
    const page = rows.slice(0, limit);
    return {
      items: page.map(toInboundResponse),
      nextCursor: rows.length > limit ? String(page[page.length - 1].seq) : null,
    };
  }
}
