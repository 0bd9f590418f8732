import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { parseSchedule } from './retry-schedule';
import { AddressPolicy } from '../common/net/address-policy';

/** The webhook settings of AppConfig, parsed once. */
@Injectable()
export class WebhookSettings {
  readonly schedule: number[];
  readonly policy: AddressPolicy;
  readonly timeoutMs: number;
  /** A claimed delivery is another worker's to take after this long. */
  readonly leaseMs: number;
  readonly concurrency: number;
  readonly graceMs: number;
  readonly disableAfterMs: number;
  readonly pollIntervalMs: number;
  readonly retentionMs: number;

  constructor(config: AppConfig) {
    this.schedule = parseSchedule(config.WEBHOOK_RETRY_SCHEDULE);
    this.policy = new AddressPolicy({
      allowPrivateNetworks: config.WEBHOOK_ALLOW_PRIVATE_NETWORKS,
      allowedCidrs: config.WEBHOOK_ALLOWED_CIDRS,
      settings: { allowPrivate: 'WEBHOOK_ALLOW_PRIVATE_NETWORKS', allowedCidrs: 'WEBHOOK_ALLOWED_CIDRS' },
    });
    this.timeoutMs = config.WEBHOOK_TIMEOUT_MS;
    this.leaseMs = config.WEBHOOK_TIMEOUT_MS + 2000;
    this.concurrency = config.WEBHOOK_CONCURRENCY;
    this.graceMs = config.WEBHOOK_SECRET_GRACE_HOURS * 3600_000;
    this.disableAfterMs = config.WEBHOOK_DISABLE_AFTER_SECONDS * 1000;
    this.pollIntervalMs = config.WEBHOOK_POLL_INTERVAL_MS;
    this.retentionMs = config.WEBHOOK_RETENTION_DAYS * 86400_000;
  }
}
