import { DynamicModule, Global, Module } from '@nestjs/common';
import { LocalSessionOwners, SessionOwners } from './session-owners';

/**
 * The cluster's services for the whole application: which node owns which session (`SessionOwners`).
 * `forRoot(owners)` takes a ready instance instead (tests make a node believe another one owns a session).
 */
@Global()
@Module({})
export class ClusterModule {
  static forRoot(owners?: SessionOwners): DynamicModule {
    return {
      module: ClusterModule,
      providers: [
        owners
          ? { provide: SessionOwners, useValue: owners }
          : { provide: SessionOwners, useClass: LocalSessionOwners },
      ],
      exports: [SessionOwners],
    };
  }
}
