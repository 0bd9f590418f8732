import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export const METRIC_PREFIX = 'wa_gateway_';

/** Latency buckets in seconds, from a fast local call to a slow remote one. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** A send waits for its turn in the paced queue: seconds to minutes. */
const SEND_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];
/** A SQLite group commit: well under a millisecond to a slow disk's tens of milliseconds. */
const COMMIT_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

/**
 * The gateway's Prometheus registry (one per application, so several apps in one process keep apart) and the
 * metrics that events feed. Gauges read at scrape time are added by `ScrapeGauges`. Labels are bounded: session
 * ids, endpoint ids, route patterns and fixed lists of kinds; never phone numbers, message ids or URLs.
 */
@Injectable()
export class MetricsRegistry {
  readonly registry = new Registry();

  readonly reconnects = new Counter({
    name: `${METRIC_PREFIX}session_reconnects_total`,
    help: 'Reconnects scheduled, by session and the close kind that caused them',
    labelNames: ['session', 'reason'] as const,
    registers: [this.registry],
  });

  readonly connectionCloses = new Counter({
    name: `${METRIC_PREFIX}session_connection_closes_total`,
    help: 'WhatsApp connections closed, by session and close kind (stopped = closed by the gateway itself)',
    labelNames: ['session', 'kind'] as const,
    registers: [this.registry],
  });

  readonly linkAttempts = new Counter({
    name: `${METRIC_PREFIX}link_attempts_total`,
    help: 'Linking attempts: QR codes shown (method=qr) and pairing codes issued (method=pairing_code)',
    labelNames: ['session', 'method'] as const,
    registers: [this.registry],
  });

  readonly sends = new Counter({
    name: `${METRIC_PREFIX}sends_total`,
    help: 'Queued messages by outcome: sent, failed, expired (not sent before SEND_EXPIRY_MS)',
    labelNames: ['session', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly sendLatency = new Histogram({
    name: `${METRIC_PREFIX}send_latency_seconds`,
    help: 'Time from a message being accepted (queued) to being sent',
    labelNames: ['session'] as const,
    buckets: SEND_BUCKETS,
    registers: [this.registry],
  });

  readonly receipts = new Counter({
    name: `${METRIC_PREFIX}receipts_total`,
    help: 'Receipts that moved a sent message on: delivered, read, played, failed',
    labelNames: ['session', 'status'] as const,
    registers: [this.registry],
  });

  readonly inbound = new Counter({
    name: `${METRIC_PREFIX}messages_received_total`,
    help: 'Incoming messages stored (each once), by session and message type',
    labelNames: ['session', 'type'] as const,
    registers: [this.registry],
  });

  readonly webhookAttempts = new Counter({
    name: `${METRIC_PREFIX}webhook_deliveries_total`,
    help:
      'Webhook delivery attempts by outcome: delivered, retrying (failed, another attempt is scheduled), ' +
      'failed (failed, no attempt left)',
    labelNames: ['endpoint', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly webhookLatency = new Histogram({
    name: `${METRIC_PREFIX}webhook_attempt_duration_seconds`,
    help: 'Duration of one webhook POST, by endpoint',
    labelNames: ['endpoint'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly httpRequests = new Counter({
    name: `${METRIC_PREFIX}http_requests_total`,
    help: 'HTTP requests by method, route pattern and status code',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  readonly httpLatency = new Histogram({
    name: `${METRIC_PREFIX}http_request_duration_seconds`,
    help: 'HTTP request duration by method and route pattern',
    labelNames: ['method', 'route'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly dbCommits = new Histogram({
    name: `${METRIC_PREFIX}db_commit_duration_seconds`,
    help: 'Duration of one database group commit (all writes asked for in one event-loop turn)',
    labelNames: ['engine'] as const,
    buckets: COMMIT_BUCKETS,
    registers: [this.registry],
  });

  constructor() {
    // Process and Node.js metrics: CPU, memory and heap, event-loop lag, handles, GC.
    collectDefaultMetrics({ register: this.registry });
  }

  /** Adds a gauge computed at scrape time. */
  gauge<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    collect: (gauge: Gauge<L>) => void | Promise<void>,
  ): Gauge<L> {
    return new Gauge<L>({
      name: `${METRIC_PREFIX}${name}`,
      help,
      labelNames,
      registers: [this.registry],
      async collect() {
        this.reset();
        await collect(this);
      },
    });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  scrape(): Promise<string> {
    return this.registry.metrics();
  }
}
