import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Repository } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { EndpointSecrets } from './endpoint-secrets';
import { ALL_EVENTS } from './event-filter';
import { OutboxWriter } from './outbox.writer';
import { generateSecret } from './signer';
import { checkTargetUrl } from '../common/net/address-policy';
import { WebhookEndpointEntity } from './webhook-endpoint.entity';
import { WebhookSettings } from './webhook-settings';

export const DEFAULT_ENDPOINT_ID = 'we_default';

/**
 * The seed's simple setup: WEBHOOK_URL (+ WEBHOOK_SECRET) creates, or updates, an endpoint receiving every event.
 * Without WEBHOOK_SECRET a secret is generated once into DATA_DIR/webhook-secret (mode 0600).
 */
@Injectable()
export class DefaultEndpoint implements OnModuleInit {
  private readonly logger = new Logger(DefaultEndpoint.name);

  constructor(
    @InjectRepository(WebhookEndpointEntity) private readonly repo: Repository<WebhookEndpointEntity>,
    private readonly config: AppConfig,
    private readonly settings: WebhookSettings,
    private readonly outbox: OutboxWriter,
    private readonly secrets: EndpointSecrets,
  ) {}

  async onModuleInit(): Promise<void> {
    const url = this.config.WEBHOOK_URL;
    if (!url) return;
    // At boot an unresolvable name is not fatal (DNS may come up later); a private target is.
    const problem = await checkTargetUrl(url, this.settings.policy, async () => []);
    if (problem) throw new Error(`WEBHOOK_URL: ${problem}`);
    const now = Date.now();
    const stored = await this.repo.findOneBy({ id: DEFAULT_ENDPOINT_ID });
    const existing = stored && this.secrets.open(stored);
    const secret = this.config.WEBHOOK_SECRET ?? existing?.secret ?? this.secretFromFile();
    if (!existing) {
      await this.repo.insert({
        id: DEFAULT_ENDPOINT_ID,
        url,
        description: 'From WEBHOOK_URL',
        events: JSON.stringify([ALL_EVENTS]),
        enabled: true,
        isDefault: true,
        ...this.secrets.seal(DEFAULT_ENDPOINT_ID, { secret, previousSecret: null, headers: '{}' }),
        previousSecretExpiresAt: null,
        disabledReason: null,
        disabledAt: null,
        failingSince: null,
        createdAt: now,
        updatedAt: now,
      });
      this.outbox.invalidate();
      this.logger.log(`Default webhook endpoint created from WEBHOOK_URL (id ${DEFAULT_ENDPOINT_ID})`);
      return;
    }
    if (existing.url !== url || existing.secret !== secret) {
      await this.repo.update(
        { id: DEFAULT_ENDPOINT_ID },
        {
          url,
          ...this.secrets.seal(DEFAULT_ENDPOINT_ID, { secret }),
          ...(existing.secret !== secret
            ? {
                ...this.secrets.seal(DEFAULT_ENDPOINT_ID, { previousSecret: existing.secret }),
                previousSecretExpiresAt: now + this.settings.graceMs,
              }
            : {}),
          updatedAt: now,
        },
      );
      this.logger.log('Default webhook endpoint updated from WEBHOOK_URL / WEBHOOK_SECRET');
    }
  }

  private secretFromFile(): string {
    const file = path.join(this.config.DATA_DIR, 'webhook-secret');
    if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
    fs.mkdirSync(this.config.DATA_DIR, { recursive: true });
    const secret = generateSecret();
    fs.writeFileSync(file, secret + '\n', { mode: 0o600, flag: 'wx' });
    this.logger.warn(`No WEBHOOK_SECRET was set: the default endpoint's signing secret was saved to ${file}`);
    return secret;
  }
}
