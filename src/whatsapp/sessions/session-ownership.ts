/**
 * Which sessions this process may run. A single gateway runs all of them (and starts them at boot, as always);
 * a cluster node runs those whose lease it holds, and its lease keeper starts and stops them.
 */
export abstract class SessionOwnership {
  /** True when the lease keeper decides which sessions start; false: the manager starts them at boot. */
  abstract readonly placed: boolean;
  /** Whether this process may open (and speak for) the session's connection now. */
  abstract mayRun(sessionId: string): boolean;
  /** A session was just created here: take its lease if this node can. Resolves once decided. */
  abstract created(sessionId: string): Promise<void>;
}

/** The single gateway: every session is its own. */
export class AllSessionsOwned extends SessionOwnership {
  readonly placed = false;
  mayRun(): boolean {
    return true;
  }
  created(): Promise<void> {
    return Promise.resolve();
  }
}
