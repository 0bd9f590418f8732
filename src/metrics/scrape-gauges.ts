import { Injectable } from '@nestjs/common';
import type { SessionStatus } from '../whatsapp/engine/engine.types';
import { QueueDepths } from '../whatsapp/sessions/message-ports';
import { SessionsFacade } from '../whatsapp/sessions/sessions.facade';
import { MetricsRegistry } from './metrics.registry';
import { ScrapeQueries } from './scrape-queries';

const STATUSES: SessionStatus[] = ['starting', 'qr_ready', 'connected', 'disconnected', 'logged_out'];

/**
 * Gauges computed when Prometheus scrapes: sessions by status, each session's send queue (depth from memory,
 * age of the oldest waiting message from an index), and the webhook endpoints' open deliveries.
 */
@Injectable()
export class ScrapeGauges {
  constructor(
    metrics: MetricsRegistry,
    sessions: SessionsFacade,
    queues: QueueDepths,
    queries: ScrapeQueries,
  ) {
    metrics.gauge('sessions', 'Sessions by status', ['status'], (g) => {
      const counts = new Map<string, number>(STATUSES.map((s) => [s, 0]));
      for (const s of sessions.list()) counts.set(s.status, (counts.get(s.status) ?? 0) + 1);
      for (const [status, n] of counts) g.set({ status }, n);
    });
    metrics.gauge(
      'session_status',
      "Each session's status: 1 for the status it has, 0 for the others",
      ['session', 'status'],
      (g) => {
        for (const s of sessions.list())
          for (const status of STATUSES) g.set({ session: s.id, status }, s.status === status ? 1 : 0);
      },
    );
    metrics.gauge('send_queue_depth', 'Messages waiting in the send queue, by session', ['session'], (g) => {
      for (const s of sessions.list()) g.set({ session: s.id }, queues.depth(s.id));
    });
    metrics.gauge(
      'send_queue_oldest_age_seconds',
      'Age of the oldest message waiting in the send queue, by session (0 when none waits)',
      ['session'],
      async (g) => {
        const now = Date.now();
        for (const s of sessions.list()) {
          const at = await queries.oldestUnsentAt(s.id);
          g.set({ session: s.id }, at === null ? 0 : Math.max(0, now - at) / 1000);
        }
      },
    );
    metrics.gauge(
      'webhook_pending_deliveries',
      'Webhook deliveries waiting or in flight, by endpoint',
      ['endpoint'],
      async (g) => {
        for (const e of await queries.endpoints()) g.set({ endpoint: e.id }, e.open);
      },
    );
    metrics.gauge(
      'webhook_failing_endpoints',
      'Enabled webhook endpoints whose last attempt failed (no success since)',
      [],
      async (g) => g.set((await queries.endpoints()).filter((e) => e.enabled && e.failing).length),
    );
  }
}
