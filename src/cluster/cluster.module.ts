import { DynamicModule, Global, Module } from '@nestjs/common';
import { SessionOwnership } from '../whatsapp/sessions/session-ownership';
import { LeaseStore } from './leases/lease.store';
import { LeaseTable } from './leases/lease-table';
import { NodeIdentity } from './node-identity';
import { SessionFence } from './session-fence';
import { SessionOwners } from './session-owners';

/**
 * Sessions' ownership, for the whole application. On SQLite this process owns every session (the ports answer
 * so); on PostgreSQL the process is a node of a cluster and its lease table answers (see `ClusterNodeModule`
 * for the keeper that takes and renews the leases). `forRoot(owners)` takes a ready `SessionOwners` instead
 * (tests make a node believe another one owns a session).
 */
@Global()
@Module({})
export class ClusterModule {
  static forRoot(owners?: SessionOwners): DynamicModule {
    return {
      module: ClusterModule,
      providers: [
        NodeIdentity,
        LeaseStore,
        LeaseTable,
        { provide: SessionFence, useExisting: LeaseTable },
        { provide: SessionOwnership, useExisting: LeaseTable },
        owners
          ? { provide: SessionOwners, useValue: owners }
          : { provide: SessionOwners, useExisting: LeaseTable },
      ],
      exports: [NodeIdentity, LeaseStore, LeaseTable, SessionFence, SessionOwnership, SessionOwners],
    };
  }
}
