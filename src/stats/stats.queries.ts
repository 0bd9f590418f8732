import { all, get, Sql, SqlEngine } from '../database/sql/sql';
import { LATENCY_BOUNDS_MS } from '../database/migrations/1764000007000-StatsRollups';
import { histogramPercentile } from './histogram-percentile';
import type { StatsRange } from './stats-range';
import type {
  FailureReason,
  MessageCounts,
  QueueDepth,
  StatsView,
  WebhookAttemptStats,
  WebhookDeliveryStats,
} from './dto/stats.view';

const SENT = new Set(['sent', 'delivered', 'read', 'played']);
const DELIVERED = new Set(['delivered', 'read', 'played']);
const READ = new Set(['read', 'played']);
const PENDING = new Set(['queued', 'sending']);

interface MessageTally {
  in: number;
  out: number;
  sent: number;
  delivered: number;
  read: number;
  failed: number;
  pending: number;
}

const ratio = (n: number, d: number): number | null => (d > 0 ? Math.round((n / d) * 1000) / 1000 : null);

function emptyTally(): MessageTally {
  return { in: 0, out: 0, sent: 0, delivered: 0, read: 0, failed: 0, pending: 0 };
}

function addStatus(t: MessageTally, direction: string, status: string, n: number): void {
  if (direction === 'in') {
    t.in += n;
    return;
  }
  t.out += n;
  if (SENT.has(status)) t.sent += n;
  if (DELIVERED.has(status)) t.delivered += n;
  if (READ.has(status)) t.read += n;
  if (status === 'failed') t.failed += n;
  if (PENDING.has(status)) t.pending += n;
}

function counts(t: MessageTally): MessageCounts {
  return { ...t, deliveryRate: ratio(t.delivered, t.sent), readRate: ratio(t.read, t.sent) };
}

function webhookStats(histogram: number[], succeeded: number): WebhookAttemptStats {
  const attempts = histogram.reduce((a, b) => a + b, 0);
  return {
    attempts,
    succeeded,
    successRate: ratio(succeeded, attempts),
    p50Ms: histogramPercentile(LATENCY_BOUNDS_MS, histogram, 50),
    p95Ms: histogramPercentile(LATENCY_BOUNDS_MS, histogram, 95),
  };
}

/**
 * The queries behind GET /api/stats, statements of the SQL port (run by `SqlDatabase.read`). Every one reads an index or a rollup kept by triggers
 * (see the StatsRollups migration): per-bucket counts from the rollup rows of the bucket's own size in
 * `message_stats`, `webhook_attempt_stats` and `webhook_delivery_stats`; failure reasons from the partial index of
 * failed messages (named: with a session filter the planner would otherwise walk every message of the session in
 * the window); queue depth from `ix_messages_session_status_seq`.
 *
 * Messages count in the bucket of their `created_at` with the status they have now (a message sent at 10:59 and
 * read at 11:20 counts as read in the 10:00 bucket); webhook attempts count in the bucket of their start.
 */
export class StatsQueries {
  constructor(private readonly engine: SqlEngine) {}

  *stats(range: StatsRange, session: string | null, topReasons: number): Sql<StatsView> {
    const n = (range.to - range.from) / range.bucketMs;
    const tallies = Array.from({ length: n }, emptyTally);
    const total = emptyTally();
    // Rollup rows of the bucket size itself, summed here (no GROUP BY: SQLite would sort them in a temp B-tree).
    const window = [range.bucketMs, range.from, range.to];
    const rows = yield* all<{ start: number; direction: string; status: string; count: number }>(
      `SELECT start, direction, status, count FROM message_stats
       WHERE size = ? AND start >= ? AND start < ?${session ? ' AND session_id = ?' : ''}`,
      [...window, ...(session ? [session] : [])],
    );
    for (const { start, direction, status, count: n } of rows) {
      addStatus(tallies[(start - range.from) / range.bucketMs], direction, status, n);
      addStatus(total, direction, status, n);
    }

    const histograms = Array.from({ length: n }, () =>
      new Array<number>(LATENCY_BOUNDS_MS.length + 1).fill(0),
    );
    const succeeded = new Array<number>(n).fill(0);
    const totalHistogram = new Array<number>(LATENCY_BOUNDS_MS.length + 1).fill(0);
    let totalSucceeded = 0;
    const attempts = yield* all<{
      start: number;
      latency_bucket: number;
      attempts: number;
      succeeded: number;
    }>(
      `SELECT start, latency_bucket, attempts, succeeded FROM webhook_attempt_stats
       WHERE size = ? AND start >= ? AND start < ?`,
      window,
    );
    for (const { start, latency_bucket: l, attempts: n, succeeded: ok } of attempts) {
      const i = (start - range.from) / range.bucketMs;
      histograms[i][l] += n;
      succeeded[i] += ok;
      totalHistogram[l] += n;
      totalSucceeded += ok;
    }

    return {
      from: new Date(range.from).toISOString(),
      to: new Date(range.to).toISOString(),
      bucket: range.bucket,
      session,
      buckets: tallies.map((t, i) => ({
        start: new Date(range.from + i * range.bucketMs).toISOString(),
        messages: counts(t),
        webhooks: webhookStats(histograms[i], succeeded[i]),
      })),
      totals: {
        messages: counts(total),
        failureReasons: yield* this.failureReasons(range, session, topReasons),
        webhooks: webhookStats(totalHistogram, totalSucceeded),
        webhookDeliveries: yield* this.deliveries(range),
      },
      queue: yield* this.queue(session),
    };
  }

  /** The most frequent reasons of failed sends created in the window. */
  private *failureReasons(range: StatsRange, session: string | null, limit: number): Sql<FailureReason[]> {
    // SQLite is told the index; PostgreSQL's planner picks the partial index itself.
    const indexed = this.engine === 'sqlite' ? ' INDEXED BY ix_messages_failed_created' : '';
    const rows = yield* all<FailureReason>(
      `SELECT COALESCE(error, 'unknown') AS reason, COUNT(*) AS count FROM messages${indexed}
       WHERE status = 'failed' AND created_at >= ? AND created_at < ?${session ? ' AND session_id = ?' : ''}
       GROUP BY error ORDER BY count DESC, reason LIMIT ?`,
      [...(session ? [range.from, range.to, session] : [range.from, range.to]), limit],
    );
    return rows.map((r) => ({ reason: r.reason, count: Number(r.count) }));
  }

  /** Outcomes of the webhook deliveries created in the window (every endpoint: deliveries have no session). */
  private *deliveries(range: StatsRange): Sql<WebhookDeliveryStats> {
    const rows = yield* all<{ status: string; n: number | string }>(
      `SELECT status, SUM(count) AS n FROM webhook_delivery_stats
       WHERE size = ? AND start >= ? AND start < ? GROUP BY status`,
      [range.bucketMs, range.from, range.to],
    );
    const of = (s: string) => Number(rows.find((r) => r.status === s)?.n ?? 0);
    const delivered = of('delivered');
    const failed = of('failed');
    return {
      delivered,
      failed,
      pending: of('pending') + of('delivering'),
      successRate: ratio(delivered, delivered + failed),
    };
  }

  /** Outgoing messages queued or sending now, per known session (one index lookup per session). */
  private *queue(session: string | null): Sql<QueueDepth[]> {
    const ids = session
      ? [session]
      : (yield* all<{ id: string }>('SELECT id FROM sessions ORDER BY id')).map((r) => r.id);
    const out: QueueDepth[] = [];
    for (const id of ids) {
      const row = yield* get<{ n: number }>(
        `SELECT (SELECT COUNT(*) FROM messages WHERE session_id = ? AND status = 'queued')
              + (SELECT COUNT(*) FROM messages WHERE session_id = ? AND status = 'sending') AS n`,
        [id, id],
      );
      out.push({ session: id, depth: Number(row!.n) });
    }
    return out;
  }
}
