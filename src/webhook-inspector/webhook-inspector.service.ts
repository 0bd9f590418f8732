import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { BadRequestError } from '../common/errors/domain-error';
import { EndpointSecrets } from '../webhooks/endpoint-secrets';
import { WebhookEndpointEntity } from '../webhooks/webhook-endpoint.entity';
import { InspectedRequest, InspectorStore } from './inspector-store';
import { checkSignature, SigningEndpoint } from './signature-check';
import { BIN_PATTERN, INSPECTOR_PATH } from './webhook-inspector.dto';

export interface ReceivedRequest {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  rawBody: Buffer;
}

/**
 * The sandbox's webhook inspector: records what is posted to its URL, with the signature check a receiver
 * would make against the secret of the endpoint (or endpoints) that deliver there.
 */
@Injectable()
export class WebhookInspectorService {
  private readonly store = new InspectorStore();

  constructor(
    @InjectRepository(WebhookEndpointEntity) private readonly endpoints: Repository<WebhookEndpointEntity>,
    private readonly secrets: EndpointSecrets,
  ) {}

  async receive(bin: string, req: ReceivedRequest): Promise<InspectedRequest> {
    checkBin(bin);
    const headers: Record<string, string | undefined> = {};
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
      const value = req.headers[name];
      headers[name] = Array.isArray(value) ? value[0] : value;
    }
    const signature = checkSignature(req.rawBody, headers, await this.signingEndpoints(bin));
    return this.store.record({
      bin,
      method: req.method,
      headers: req.headers,
      rawBody: req.rawBody,
      signature,
    });
  }

  /** The requests of a bin, newest first, and the endpoints that deliver to it. */
  async list(bin: string): Promise<{ requests: InspectedRequest[]; endpointIds: string[] }> {
    checkBin(bin);
    const endpoints = await this.signingEndpoints(bin);
    return { requests: this.store.list(bin), endpointIds: endpoints.map((e) => e.id) };
  }

  clear(bin: string): number {
    checkBin(bin);
    return this.store.clear(bin);
  }

  /** Endpoints whose URL is this bin's inspector URL (on whatever host name or address), with their secrets. */
  private async signingEndpoints(bin: string): Promise<SigningEndpoint[]> {
    const now = Date.now();
    const path = `${INSPECTOR_PATH}/${bin}`;
    const rows = await this.endpoints.find();
    return rows
      .filter((e) => pathOf(e.url) === path)
      .map((stored) => this.secrets.open(stored))
      .map((e) => ({
        id: e.id,
        secrets:
          e.previousSecret && (e.previousSecretExpiresAt ?? 0) > now
            ? [e.secret, e.previousSecret]
            : [e.secret],
      }));
  }
}

function checkBin(bin: string): void {
  if (!BIN_PATTERN.test(bin)) {
    throw new BadRequestError('Validation failed', 'bin must be 1-64 letters, digits, "_" or "-"');
  }
}

function pathOf(url: string): string | null {
  try {
    return new URL(url).pathname.replace(/\/+$/, '');
  } catch {
    return null;
  }
}
