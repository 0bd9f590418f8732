import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { AppConfig } from '../config/app-config';
import { HEALTH_INDICATORS, HealthIndicatorRegistry } from '../health/health-indicator.registry';
import { SessionManager } from './sessions/session-manager';
import { SessionOwnership } from './sessions/session-ownership';

/**
 * /health's WhatsApp check: every session's status. Unhealthy only when a linked session cannot get back:
 * it was replaced or refused, or failed WA_HEALTH_MAX_RECONNECTS reconnects in a row. Waiting for a QR scan is
 * healthy.
 */
@Injectable()
export class WhatsAppHealthIndicator implements OnModuleInit {
  constructor(
    private readonly manager: SessionManager,
    private readonly indicator: HealthIndicatorService,
    private readonly config: AppConfig,
    private readonly ownership: SessionOwnership,
    @Inject(HEALTH_INDICATORS) private readonly registry: HealthIndicatorRegistry,
  ) {}

  onModuleInit(): void {
    this.registry.add(() => this.check());
  }

  check() {
    const sessions: Record<string, string> = {};
    const reasons: Record<string, string> = {};
    const failing: string[] = [];
    for (const rt of this.manager.list()) {
      // In a cluster, each node answers for the sessions it runs (the others' are theirs: see the cluster check).
      if (!this.ownership.mayRun(rt.id)) continue;
      sessions[rt.id] = rt.status;
      if (rt.status !== 'connected' && rt.reason) reasons[rt.id] = rt.reason;
      const stuck =
        rt.linked &&
        rt.status !== 'connected' &&
        (rt.reconnectAttempts >= this.config.WA_HEALTH_MAX_RECONNECTS ||
          (rt.status === 'disconnected' && !rt.conn && !rt.reconnectTimer && rt.reason !== 'Stopped'));
      // A refused client version is a setting to fix, not a network hiccup: down at once.
      const refused = rt.status !== 'connected' && rt.blocker?.kind === 'client_outdated';
      if (stuck || refused) failing.push(rt.id);
    }
    const check = this.indicator.check('whatsapp');
    const details: Record<string, unknown> = Object.keys(reasons).length
      ? { sessions, reasons }
      : { sessions };
    return failing.length ? check.down({ ...details, failing }) : check.up(details);
  }
}
