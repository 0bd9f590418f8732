import { Global, Module } from '@nestjs/common';
import { WhatsAppModule } from '../whatsapp/whatsapp.module';
import { SessionOwnership } from '../whatsapp/sessions/session-ownership';
import { ClusterBus } from './cluster-bus';
import { ClusterController } from './cluster.controller';
import { ClusterHealthIndicator } from './cluster.health';
import { LeaseKeeper } from './leases/lease-keeper';
import { LeaseStore } from './leases/lease.store';
import { LeaseTable } from './leases/lease-table';
import { NodeIdentity } from './node-identity';
import { SessionFence } from './session-fence';
import { SessionOwners } from './session-owners';

/**
 * Sessions' ownership. On SQLite this process owns every session (the ports answer so, and nothing runs); on
 * PostgreSQL the process is a node of a cluster: leases, placement, fencing, `GET /api/cluster`.
 */
/**
 * Sessions' ownership. On SQLite this process owns every session (the ports answer so, and nothing runs); on
 * PostgreSQL the process is a node of a cluster: leases, placement, fencing, `GET /api/cluster`.
 */
@Global()
@Module({
  providers: [
    NodeIdentity,
    LeaseStore,
    LeaseTable,
    { provide: SessionFence, useExisting: LeaseTable },
    { provide: SessionOwnership, useExisting: LeaseTable },
    { provide: SessionOwners, useExisting: LeaseTable },
  ],
  exports: [NodeIdentity, LeaseStore, LeaseTable, SessionFence, SessionOwnership, SessionOwners],
})
export class ClusterCoreModule {}

/** The node's keeper, its signals, `GET /api/cluster` and the cluster's health check. */
@Module({
  imports: [WhatsAppModule],
  controllers: [ClusterController],
  providers: [ClusterBus, LeaseKeeper, ClusterHealthIndicator],
})
export class ClusterNodeModule {}
