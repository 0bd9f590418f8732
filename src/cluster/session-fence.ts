import type { Sql } from '../database/sql/sql';

/** A write refused because this node no longer holds the session's lease (another node owns it now). */
export class FencedWrite extends Error {
  constructor(readonly sessionId: string) {
    super(`session ${sessionId} is owned by another node now: this node's write was refused`);
    this.name = 'FencedWrite';
  }
}

/**
 * Fencing of a session's writes by its lease. In a cluster, every write of credentials or Signal keys and every
 * send's `sent` mark (and the send queue's claims) runs `check` inside its transaction: the transaction commits
 * only while this node holds the session's lease at the epoch it took it with, so a node that lost the lease
 * (frozen, partitioned, slow) can no longer change what the new owner relies on. A single gateway holds every
 * session: nothing is checked.
 */
export abstract class SessionFence {
  /** True when several nodes may share the database (PostgreSQL): sessions are owned through leases. */
  abstract readonly clustered: boolean;
  /** Inside a write transaction: throws `FencedWrite` (rolling it back) unless the lease is held. */
  abstract check(sessionId: string): Sql<void>;
  /** Whether this node holds the session's lease and, by its own clock, it has not run out. */
  abstract holds(sessionId: string): boolean;
}

/** The single gateway: it owns every session. */
export class NoFence extends SessionFence {
  readonly clustered = false;
  *check(): Sql<void> {
    return;
  }
  holds(): boolean {
    return true;
  }
}
