import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { Repository } from 'typeorm';
import { BadRequestError, NotFoundError } from '../common/errors/domain-error';
import { customHeadersProblem, mergeMaskedHeaders } from './custom-headers';
import { DeliveryWorker } from './delivery.worker';
import { EndpointSecrets } from './endpoint-secrets';
import {
  CreateEndpointDto,
  EndpointCreatedResponse,
  EndpointResponse,
  SecretResponse,
  toEndpointResponse,
  UpdateEndpointDto,
} from './dto/endpoint.dto';
import { ALL_EVENTS } from './event-filter';
import { OutboxWriter } from './outbox.writer';
import { generateSecret } from './signer';
import { checkTargetUrl } from '../common/net/address-policy';
import { WebhookEndpointEntity } from './webhook-endpoint.entity';
import { WebhookSettings } from './webhook-settings';

export function newEndpointId(): string {
  return `we_${randomUUID().replace(/-/g, '')}`;
}

/** CRUD of webhook endpoints, their signing secrets, and the SSRF check of their URLs. */
@Injectable()
export class EndpointsService {
  constructor(
    @InjectRepository(WebhookEndpointEntity) private readonly repo: Repository<WebhookEndpointEntity>,
    private readonly settings: WebhookSettings,
    private readonly worker: DeliveryWorker,
    private readonly outbox: OutboxWriter,
    private readonly secrets: EndpointSecrets,
  ) {}

  async create(dto: CreateEndpointDto): Promise<EndpointCreatedResponse> {
    await this.checkUrl(dto.url);
    this.checkHeaders(dto.headers);
    const now = Date.now();
    const entity: WebhookEndpointEntity = {
      id: newEndpointId(),
      url: dto.url,
      description: dto.description ?? '',
      events: JSON.stringify(normaliseEvents(dto.events)),
      headers: JSON.stringify(dto.headers ?? {}),
      enabled: dto.enabled ?? true,
      isDefault: false,
      secret: dto.secret ?? generateSecret(),
      previousSecret: null,
      previousSecretExpiresAt: null,
      disabledReason: dto.enabled === false ? 'manual' : null,
      disabledAt: dto.enabled === false ? now : null,
      failingSince: null,
      createdAt: now,
      updatedAt: now,
    };
    await this.repo.insert(this.secrets.seal(entity.id, entity));
    this.outbox.invalidate();
    return { ...toEndpointResponse(entity), secret: entity.secret };
  }

  async list(): Promise<EndpointResponse[]> {
    const rows = await this.repo.find({ order: { createdAt: 'ASC' } });
    return rows.map((r) => toEndpointResponse(this.secrets.open(r)));
  }

  async get(id: string): Promise<EndpointResponse> {
    return toEndpointResponse(await this.find(id));
  }

  async update(id: string, dto: UpdateEndpointDto): Promise<EndpointResponse> {
    const entity = await this.find(id);
    if (dto.url !== undefined) {
      await this.checkUrl(dto.url);
      entity.url = dto.url;
    }
    let headersChanged = false;
    if (dto.headers !== undefined) {
      const merged = mergeMaskedHeaders(dto.headers, JSON.parse(entity.headers) as Record<string, string>);
      if (merged.problem) throw new BadRequestError('Validation failed', `headers: ${merged.problem}`);
      this.checkHeaders(merged.headers);
      entity.headers = JSON.stringify(merged.headers);
      headersChanged = true;
    }
    if (dto.events !== undefined) entity.events = JSON.stringify(normaliseEvents(dto.events));
    if (dto.description !== undefined) entity.description = dto.description;
    const now = Date.now();
    if (dto.enabled === true && !entity.enabled) {
      Object.assign(entity, { enabled: true, disabledReason: null, disabledAt: null, failingSince: null });
    } else if (dto.enabled === false && entity.enabled) {
      Object.assign(entity, { enabled: false, disabledReason: 'manual', disabledAt: now });
    }
    entity.updatedAt = now;
    // The secrets are not written again; the headers, encrypted, only when they changed.
    const { id: _id, secret: _s, previousSecret: _p, headers, ...changes } = entity;
    await this.repo.update(
      { id },
      headersChanged ? { ...changes, ...this.secrets.seal(id, { headers }) } : changes,
    );
    this.outbox.invalidate();
    if (entity.enabled) this.worker.kick();
    return toEndpointResponse(entity);
  }

  async remove(id: string): Promise<void> {
    await this.find(id);
    await this.repo.delete({ id });
    this.outbox.invalidate();
  }

  /** A new secret; the previous one keeps signing (a second signature) for the grace period. */
  async rotateSecret(id: string): Promise<SecretResponse> {
    const entity = await this.find(id);
    const now = Date.now();
    const secret = generateSecret();
    const expires = this.settings.graceMs > 0 ? now + this.settings.graceMs : null;
    await this.repo.update(
      { id },
      {
        ...this.secrets.seal(id, { secret, previousSecret: expires ? entity.secret : null }),
        previousSecretExpiresAt: expires,
        updatedAt: now,
      },
    );
    return { secret, previousSecretExpiresAt: expires ? new Date(expires).toISOString() : null };
  }

  /** The endpoint with its secrets and headers decrypted. */
  async find(id: string): Promise<WebhookEndpointEntity> {
    const entity = await this.repo.findOneBy({ id });
    if (!entity) throw new NotFoundError('Webhook endpoint', id.slice(0, 80));
    return this.secrets.open(entity);
  }

  private async checkUrl(url: string): Promise<void> {
    const problem = await checkTargetUrl(url, this.settings.policy);
    if (problem) throw new BadRequestError('Webhook URL refused', problem);
  }

  private checkHeaders(headers: Record<string, unknown> | undefined): void {
    const problem = headers ? customHeadersProblem(headers) : null;
    if (problem) throw new BadRequestError('Validation failed', `headers: ${problem}`);
  }
}

function normaliseEvents(events: string[] | undefined): string[] {
  if (!events || events.includes(ALL_EVENTS)) return [ALL_EVENTS];
  return events;
}
