import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { AppConfig } from '../config/app-config';
import { HEALTH_INDICATORS, HealthIndicatorRegistry } from '../health/health-indicator.registry';
import { toClusterView } from './cluster.view';
import { LeaseStore } from './leases/lease.store';
import { LeaseTable } from './leases/lease-table';

/**
 * /health's cluster check (PostgreSQL only): this node's heartbeat is recent and it holds the leases it runs;
 * the details give every node's liveness and how many sessions have no live owner.
 */
@Injectable()
export class ClusterHealthIndicator implements OnModuleInit {
  constructor(
    private readonly table: LeaseTable,
    private readonly store: LeaseStore,
    private readonly indicator: HealthIndicatorService,
    private readonly config: AppConfig,
    @Inject(HEALTH_INDICATORS) private readonly registry: HealthIndicatorRegistry,
  ) {}

  onModuleInit(): void {
    if (this.table.clustered) this.registry.add(() => this.check());
  }

  async check() {
    const check = this.indicator.check('cluster');
    const view = toClusterView(await this.store.snapshot(), this.table.nodeId!, this.config.CLUSTER_LEASE_MS);
    const me = view.nodes.find((n) => n.id === view.node);
    const details = {
      node: view.node,
      owned: this.table.count,
      nodes: Object.fromEntries(view.nodes.map((n) => [n.id, n.live ? 'live' : 'down'])),
      unowned: view.sessions.filter((s) => !s.owner).length,
    };
    return me?.live
      ? check.up(details)
      : check.down({ ...details, reason: 'this node has no recent heartbeat' });
  }
}
