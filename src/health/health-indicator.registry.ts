import type { HealthIndicatorFunction } from '@nestjs/terminus';

export const HEALTH_INDICATORS = Symbol('HEALTH_INDICATORS');

/** Other modules add their checks here (e.g. the WhatsApp sessions indicator) without /health knowing them. */
export class HealthIndicatorRegistry {
  readonly indicators: HealthIndicatorFunction[] = [];
  add(indicator: HealthIndicatorFunction): void {
    this.indicators.push(indicator);
  }
}
