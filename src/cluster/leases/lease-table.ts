import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { all, Sql, SqlDatabase } from '../../database/sql/sql';
import { SessionOwnership } from '../../whatsapp/sessions/session-ownership';
import { NodeIdentity } from '../node-identity';
import { FencedWrite, SessionFence } from '../session-fence';
import { SessionLocation, SessionOwners } from '../session-owners';
import { DB_NOW, LeaseStore } from './lease.store';

interface Held {
  epoch: number;
  /** By this process's monotonic clock (performance.now()): past it, the node behaves as if the lease ended. */
  validUntil: number;
}

/**
 * The leases this node holds, in memory, and what follows from them: whether a session may run here (its
 * connection, its sends), the fence of its writes, and where another node's session lives. On SQLite (a single
 * gateway) every session is this process's and nothing is checked.
 *
 * A lease counts here until `CLUSTER_LEASE_MS` minus a safety margin after the renewal that last extended it
 * *was sent*, by this process's own monotonic clock: the table's expiry is later than that, so this node stops
 * speaking for a session before any other node may take it. A process frozen past that moment finds the lease
 * gone when it runs again, before it sends anything.
 */
@Injectable()
export class LeaseTable implements SessionFence, SessionOwnership, SessionOwners {
  readonly clustered: boolean;
  readonly placed: boolean;
  private readonly held = new Map<string, Held>();
  /**
   * The epoch at which this node last let each session go. Until that lease is released or runs out, the table
   * still names this node its owner: a lease found there at that epoch or an older one is not a hand-over.
   */
  private readonly givenUp = new Map<string, number>();
  /** Owners by session as the last look at the table saw them. */
  private seen = new Map<string, string>();
  /** Sessions this node should hold at most, as the last placement computed it (its fair share). */
  share = Number.POSITIVE_INFINITY;
  /** Called when a fenced write finds the lease gone: the keeper closes the session's connection. */
  onLost: (sessionId: string) => void = () => undefined;
  /** Called after a session was created here (other nodes look at it at once). */
  onCreated: () => void = () => undefined;

  constructor(
    private readonly sql: SqlDatabase,
    private readonly store: LeaseStore,
    private readonly identity: NodeIdentity,
    private readonly config: AppConfig,
  ) {
    this.clustered = sql.engine === 'postgres';
    this.placed = this.clustered;
  }

  get nodeId(): string | null {
    return this.clustered ? this.identity.id : null;
  }

  /** How long before the table's expiry this node stops counting on a lease. */
  get marginMs(): number {
    return Math.max(500, Math.floor(this.config.CLUSTER_LEASE_MS / 10));
  }

  holds(sessionId: string): boolean {
    if (!this.clustered) return true;
    const lease = this.held.get(sessionId);
    return !!lease && lease.validUntil > performance.now();
  }

  mayRun(sessionId: string): boolean {
    return this.holds(sessionId);
  }

  epochOf(sessionId: string): number | null {
    return this.held.get(sessionId)?.epoch ?? null;
  }

  /** Sessions whose lease this node holds (valid by its clock or not yet dropped). */
  heldSessions(): { sessionId: string; epoch: number; validUntil: number }[] {
    return [...this.held].map(([sessionId, l]) => ({ sessionId, ...l }));
  }

  get count(): number {
    return this.held.size;
  }

  /** Records a lease taken or renewed at epoch `epoch` by a statement sent at `sentAt` (performance.now()). */
  grant(sessionId: string, epoch: number, sentAt: number): void {
    this.givenUp.delete(sessionId);
    this.held.set(sessionId, { epoch, validUntil: sentAt + this.config.CLUSTER_LEASE_MS - this.marginMs });
    this.seen.set(sessionId, this.identity.id);
  }

  drop(sessionId: string): void {
    const lease = this.held.get(sessionId);
    if (lease) this.givenUp.set(sessionId, Math.max(lease.epoch, this.givenUp.get(sessionId) ?? 0));
    this.held.delete(sessionId);
    if (this.seen.get(sessionId) === this.identity.id) this.seen.delete(sessionId);
  }

  /**
   * Whether a lease the table shows this node holding at `epoch` was handed here (a move) and is not yet run
   * here, as opposed to one this node let go whose release has not landed yet (its connection still closing).
   */
  handedHere(sessionId: string, epoch: number): boolean {
    return !this.held.has(sessionId) && epoch > (this.givenUp.get(sessionId) ?? 0);
  }

  /** The owners seen by the last look at the whole table (placement). */
  observed(owners: Map<string, string>): void {
    this.seen = owners;
    for (const id of this.held.keys()) this.seen.set(id, this.identity.id);
  }

  ownerOf(sessionId: string): string | null {
    if (!this.clustered) return null;
    return this.seen.get(sessionId) ?? null;
  }

  *check(sessionId: string): Sql<void> {
    if (!this.clustered) return;
    const lease = this.held.get(sessionId);
    const ok = lease ? yield* this.store.fence(sessionId, this.identity.id, lease.epoch) : false;
    if (!ok) {
      setImmediate(() => this.onLost(sessionId));
      throw new FencedWrite(sessionId);
    }
  }

  /** A session created here is taken at once when this node is below its fair share (placement decides otherwise). */
  async created(sessionId: string): Promise<void> {
    if (!this.clustered || this.held.has(sessionId)) return;
    // Up to one above the share (placement gives back only beyond that): the new session counts as well.
    if (this.count < Math.min(this.identity.maxSessions, this.share + 1)) {
      const sentAt = performance.now();
      const epoch = await this.store.claim(sessionId, this.identity.id, this.config.CLUSTER_LEASE_MS);
      if (epoch !== null) this.grant(sessionId, epoch, sentAt);
    }
    this.onCreated();
  }

  async locate(sessionId: string): Promise<SessionLocation> {
    if (!this.clustered || this.holds(sessionId)) return { kind: 'local' };
    const [row] = await this.sql.read(() =>
      all<{ owner: string | null; url: string | null }>(
        `SELECT n.id AS owner, n.url FROM sessions s
           LEFT JOIN session_leases l ON l.session_id = s.id AND l.expires_at > ${DB_NOW}
           LEFT JOIN cluster_nodes n ON n.id = l.owner AND n.stopped_at IS NULL
          WHERE s.id = ?`,
        [sessionId],
      ),
    );
    // An unknown session is answered here (its 404).
    if (!row) return { kind: 'local' };
    if (!row.owner || !row.url || row.owner === this.identity.id) return { kind: 'none' };
    return { kind: 'remote', node: row.owner, url: row.url };
  }
}
