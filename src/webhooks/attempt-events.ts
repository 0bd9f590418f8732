import type { AttemptOutcome } from './delivery.store';

/** In-process event after each webhook delivery attempt, for observers such as the metrics. */
export const WEBHOOK_ATTEMPT_FINISHED = 'webhooks.attempt_finished';

/**
 * How an attempt left its delivery: `delivered`, `retrying` (it failed and another attempt is scheduled) or
 * `failed` (it failed and no attempt is left, or the endpoint answered 410 Gone).
 */
export type AttemptResult = 'delivered' | 'retrying' | 'failed';

export interface WebhookAttemptFinishedEvent {
  endpointId: string;
  result: AttemptResult;
  /** The HTTP request's duration. */
  seconds: number;
}

export function attemptResult(outcome: Pick<AttemptOutcome, 'success' | 'retryAt'>): AttemptResult {
  if (outcome.success) return 'delivered';
  return outcome.retryAt === null ? 'failed' : 'retrying';
}
