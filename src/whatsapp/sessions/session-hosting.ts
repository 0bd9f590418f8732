import { Injectable } from '@nestjs/common';
import { SessionManager } from './session-manager';

/**
 * What the cluster's lease keeper may do with the sessions of this process: run one it took, let one go, read
 * the others from the database, and close everything at shutdown. Nothing else of the manager is reachable.
 */
@Injectable()
export class SessionHosting {
  constructor(private readonly manager: SessionManager) {}

  /** Resolves once the sessions are loaded at boot. */
  get loaded(): Promise<void> {
    return this.manager.loaded;
  }

  has(id: string): boolean {
    return this.manager.has(id);
  }

  resume(id: string): Promise<void> {
    return this.manager.resume(id);
  }

  /** Closes the session's connection here; false if its close was never reported (see SessionManager). */
  relinquish(id: string, opts?: { cut?: boolean }): Promise<boolean> {
    return this.manager.relinquish(id, opts);
  }

  refreshFromStore(runsHere: (id: string) => boolean): Promise<void> {
    return this.manager.refreshFromStore(runsHere);
  }

  movable(id: string): boolean {
    return this.manager.movable(id);
  }

  /** Closes every connection (no logout), as at shutdown. */
  closeAll(): Promise<void> {
    return this.manager.beforeApplicationShutdown();
  }
}
