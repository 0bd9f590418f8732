/**
 * Where a session's live connection is: in this process, in another node of the cluster, or nowhere right now
 * (its lease expired and no node has taken it yet, or it is being moved).
 */
export type SessionLocation =
  { kind: 'local' } | { kind: 'remote'; node: string; url: string } | { kind: 'none' };

/**
 * Which node owns a session. A single gateway (SQLite, or PostgreSQL without other nodes) owns every session;
 * in a cluster the session's lease says. Calls that need the live connection are served by the owner.
 */
export abstract class SessionOwners {
  /** This process's node id; null when not in a cluster (SQLite). */
  abstract readonly nodeId: string | null;
  abstract locate(sessionId: string): Promise<SessionLocation>;
  /** The owner's node id as last seen (no database read); null when none is known or not in a cluster. */
  abstract ownerOf(sessionId: string): string | null;
}

/** Every session is served here: the single-process gateway. */
export class LocalSessionOwners extends SessionOwners {
  readonly nodeId = null;
  locate(): Promise<SessionLocation> {
    return Promise.resolve({ kind: 'local' });
  }
  ownerOf(): string | null {
    return null;
  }
}
