import type { HealthCheckResult } from '@nestjs/terminus';

export interface HealthSummary {
  status: HealthCheckResult['status'];
  checks: { up: number; down: number };
  error?: string;
  details?: string;
}

/**
 * What /health shows a caller without the API key: the overall status and how many checks are up and down,
 * nothing else (the full result names sessions, failing checks and their reasons).
 */
export function healthSummary(result: Pick<HealthCheckResult, 'status' | 'details'>): HealthSummary {
  const checks = Object.values(result.details ?? {});
  const up = checks.filter((c) => c?.status === 'up').length;
  const down = checks.length - up;
  if (result.status === 'ok') return { status: 'ok', checks: { up, down } };
  return {
    status: result.status,
    checks: { up, down },
    error: 'Service unavailable',
    details: `${down} of ${checks.length} checks down; send the API key to see which`,
  };
}
