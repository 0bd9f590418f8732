import { Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { SqlDatabase } from '../database/sql/sql';
import type { DomainEvent } from '../events/domain-event';
import type { MessageStatusEventData, MessageView } from '../messaging/message.view';
import { WEBHOOK_ATTEMPT_FINISHED, WebhookAttemptFinishedEvent } from '../webhooks/attempt-events';
import {
  CONNECTION_CLOSED,
  ConnectionClosedEvent,
  PAIRING_CODE_ISSUED,
  PairingCodeIssuedEvent,
  RECONNECT_SCHEDULED,
  ReconnectScheduledEvent,
} from '../whatsapp/sessions/lifecycle-events';
import {
  isQueuedSend,
  receiptOf,
  sendLatencySeconds,
  sentByReceipt,
  unsentOutcome,
} from './message-outcomes';
import { MetricsRegistry } from './metrics.registry';

/**
 * Feeds the counters and histograms from the events the gateway already emits on the API thread (message and
 * session events, the lifecycle and webhook attempt events) and from the database's commit hook. Each handler
 * is a counter increment or a histogram observation.
 */
@Injectable()
export class MetricsListener implements OnApplicationBootstrap, OnModuleDestroy {
  constructor(
    private readonly metrics: MetricsRegistry,
    private readonly sql: SqlDatabase,
  ) {}

  onApplicationBootstrap(): void {
    const commits = this.metrics.dbCommits.labels({ engine: this.sql.engine });
    this.sql.observeCommits((seconds) => commits.observe(seconds));
  }

  onModuleDestroy(): void {
    this.sql.observeCommits(null);
  }

  @OnEvent('message.received')
  onReceived(event: DomainEvent<MessageView>): void {
    this.metrics.inbound.inc({ session: event.data.session, type: event.data.type });
  }

  @OnEvent('message.sent')
  onSent(event: DomainEvent<MessageView>): void {
    const view = event.data;
    if (!isQueuedSend(view)) return;
    this.metrics.sends.inc({ session: view.session, outcome: 'sent' });
    const seconds = sendLatencySeconds(view);
    if (seconds !== null) this.metrics.sendLatency.observe({ session: view.session }, seconds);
  }

  @OnEvent('message.status')
  onStatus(event: DomainEvent<MessageStatusEventData>): void {
    const data = event.data;
    const unsent = unsentOutcome(data);
    if (unsent) return this.metrics.sends.inc({ session: data.session, outcome: unsent });
    if (sentByReceipt(data)) {
      // Its sent mark never comes: the receipt is the first sign it went out.
      this.metrics.sends.inc({ session: data.session, outcome: 'sent' });
      const seconds = sendLatencySeconds({ createdAt: data.createdAt, sentAt: data.at });
      if (seconds !== null) this.metrics.sendLatency.observe({ session: data.session }, seconds);
    }
    const receipt = receiptOf(data);
    if (receipt) this.metrics.receipts.inc({ session: data.session, status: receipt });
  }

  @OnEvent('session.qr')
  onQr(event: DomainEvent): void {
    if (event.session) this.metrics.linkAttempts.inc({ session: event.session, method: 'qr' });
  }

  @OnEvent(PAIRING_CODE_ISSUED)
  onPairingCode(event: PairingCodeIssuedEvent): void {
    this.metrics.linkAttempts.inc({ session: event.sessionId, method: 'pairing_code' });
  }

  @OnEvent(CONNECTION_CLOSED)
  onClosed(event: ConnectionClosedEvent): void {
    this.metrics.connectionCloses.inc({ session: event.sessionId, kind: event.kind });
  }

  @OnEvent(RECONNECT_SCHEDULED)
  onReconnect(event: ReconnectScheduledEvent): void {
    this.metrics.reconnects.inc({ session: event.sessionId, reason: event.reason });
  }

  @OnEvent(WEBHOOK_ATTEMPT_FINISHED)
  onWebhookAttempt(event: WebhookAttemptFinishedEvent): void {
    this.metrics.webhookAttempts.inc({ endpoint: event.endpointId, outcome: event.result });
    this.metrics.webhookLatency.observe({ endpoint: event.endpointId }, event.seconds);
  }
}
