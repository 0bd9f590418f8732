import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { EventEmitter2, OnEvent } from '@nestjs/event-emitter';
import { AppConfig } from '../../config/app-config';
import { DomainError } from '../../common/errors/domain-error';
import { all, SqlDatabase } from '../../database/sql/sql';
import { SessionHosting } from '../../whatsapp/sessions/session-hosting';
import { ClusterBus, ClusterSignal } from '../cluster-bus';
import {
  CLUSTER_ADOPTING,
  CLUSTER_QUEUE,
  CLUSTER_QUEUED_ELSEWHERE,
  ClusterSessionEvent,
} from '../cluster-events';
import { NodeIdentity } from '../node-identity';
import { LeaseStore } from './lease.store';
import { LeaseTable } from './lease-table';
import { placementPlan } from './placement';

/** Rounds a session may stay without a live owner before any node with capacity takes it, share or not. */
const OVERDUE_ROUNDS = 2;
/** Rounds after taking overdue sessions during which this node gives none back. */
const QUIET_ROUNDS = 10;

/** How often the node checks, by its own clock, that its leases have not run out (ms). */
const WATCH_MS = 200;

/** A move whose connection here did not report its close: its lease runs out instead of being handed on. */
export class ConnectionNotClosed extends DomainError {
  constructor(sessionId: string) {
    super(
      503,
      'Session is being moved',
      `The connection of session "${sessionId}" did not report its close in time; another node takes the session once its lease runs out`,
    );
  }
}

/**
 * The node's side of the cluster: its heartbeat, the renewal of its leases, placement (taking sessions that have
 * no live owner, giving some back when it holds more than its share), moves, and the hand-over at SIGTERM.
 *
 * A session is run here only while its lease is held: it is started once the lease is taken (after its
 * interrupted sends are queued again), and its connection is closed as soon as the lease is lost, or is about to
 * run out without a renewal (before the table's expiry, so before any other node may take it).
 */
@Injectable()
export class LeaseKeeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(LeaseKeeper.name);
  private readonly timers: NodeJS.Timeout[] = [];
  private stopping = false;
  private placing: Promise<void> | null = null;
  private placeAgain = false;
  private renewing: Promise<void> | null = null;
  private freeRounds = new Map<string, number>();
  private roundsSinceOverdue = Number.POSITIVE_INFINITY;

  constructor(
    private readonly table: LeaseTable,
    private readonly store: LeaseStore,
    private readonly identity: NodeIdentity,
    private readonly manager: SessionHosting,
    private readonly bus: ClusterBus,
    private readonly emitter: EventEmitter2,
    private readonly config: AppConfig,
    private readonly sql: SqlDatabase,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.table.clustered) return;
    this.table.onLost = (id) => void this.lose(id, 'a write was fenced');
    this.table.onCreated = () => this.bus.notify({ t: 'placement' });
    await this.manager.loaded;
    await this.heartbeat();
    // Renewals and the watch run from the start: whatever this node takes below is renewed in time.
    this.every(this.config.CLUSTER_RENEW_MS, () => this.renew());
    this.every(this.config.CLUSTER_PLACEMENT_MS, () => this.place());
    this.every(WATCH_MS, () => this.watch());
    // This node's id held leases before this start: that process is gone, so they are taken back at once (with
    // a new epoch, so anything it left running is fenced).
    for (const { sessionId } of await this.store.held(this.identity.id)) {
      const sentAt = performance.now();
      const epoch = await this.store.claim(sessionId, this.identity.id, this.config.CLUSTER_LEASE_MS, true);
      if (epoch !== null) await this.adopt(sessionId, epoch, sentAt);
    }
    await this.bus.start((signal) => this.onSignal(signal));
    await this.place();
    this.logger.log(
      `node ${this.identity.id} joined the cluster (${this.table.count} session(s) owned, up to ${this.identity.maxSessions})`,
    );
  }

  /** SIGTERM: connections close while their leases are still held, then the leases end so others take over. */
  async beforeApplicationShutdown(): Promise<void> {
    if (!this.table.clustered) return;
    this.stopping = true;
    for (const t of this.timers) clearInterval(t);
    // Each session is handed over as soon as its own connection has closed, not once all of them have.
    await Promise.allSettled(
      this.table.heldSessions().map(async (l) => {
        const closed = await this.manager.relinquish(l.sessionId);
        this.table.drop(l.sessionId);
        if (!this.mayHandOn(l.sessionId, closed)) return;
        await this.store.release(l.sessionId, this.identity.id, l.epoch);
        this.bus.notify({ t: 'placement' });
      }),
    );
    await this.manager.closeAll();
    await this.store.stopped(this.identity.id).catch(() => undefined);
    this.bus.notify({ t: 'placement' });
    await this.bus.stop();
  }

  /** Moves a session this node owns to `node`: closes it here, hands the lease over, and tells the node. */
  async move(sessionId: string, node: string): Promise<{ from: string; to: string }> {
    const epoch = this.table.epochOf(sessionId);
    if (epoch === null) throw new Error(`session ${sessionId} is not owned by this node`);
    this.table.drop(sessionId);
    if (!this.mayHandOn(sessionId, await this.manager.relinquish(sessionId)))
      throw new ConnectionNotClosed(sessionId);
    const moved = await this.store.transfer(
      sessionId,
      this.identity.id,
      epoch,
      node,
      this.config.CLUSTER_LEASE_MS,
    );
    if (moved === null) this.logger.warn(`[${sessionId}] the lease changed hands during the move`);
    this.bus.notify({ t: 'leases', node });
    this.logger.log(`[${sessionId}] moved to node ${node}`);
    return { from: this.identity.id, to: node };
  }

  /** A send was queued here for a session another node owns: that node drains it now. */
  @OnEvent(CLUSTER_QUEUED_ELSEWHERE)
  queuedElsewhere(event: ClusterSessionEvent): void {
    this.bus.notify({ t: 'queue', session: event.session });
  }

  private every(ms: number, task: () => Promise<void>): void {
    const timer = setInterval(() => {
      if (!this.stopping)
        void task().catch((err) => this.logger.warn(`cluster task failed: ${(err as Error).message}`));
    }, ms);
    timer.unref();
    this.timers.push(timer);
  }

  private onSignal(signal: ClusterSignal): void {
    if (this.stopping) return;
    if (signal.t === 'placement') void this.place().catch(() => undefined);
    else if (signal.t === 'leases' && signal.node === this.identity.id)
      void this.renew().catch(() => undefined);
    else if (signal.t === 'queue' && this.table.holds(signal.session))
      this.emitter.emit(CLUSTER_QUEUE, { session: signal.session });
  }

  private heartbeat(): Promise<void> {
    return this.store.heartbeat({
      id: this.identity.id,
      url: this.identity.url,
      maxSessions: this.identity.maxSessions,
      startedAt: this.identity.startedAt,
    });
  }

  /** Heartbeat, renewal of every held lease, and the leases handed to this node by a move. */
  renew(): Promise<void> {
    this.renewing ??= this.doRenew().finally(() => (this.renewing = null));
    return this.renewing;
  }

  private async doRenew(): Promise<void> {
    await this.heartbeat();
    const held = this.table.heldSessions();
    const sentAt = performance.now();
    const renewed = await this.store.renew(this.identity.id, held, this.config.CLUSTER_LEASE_MS);
    for (const l of held) {
      if (this.table.epochOf(l.sessionId) !== l.epoch) continue;
      if (renewed.has(l.sessionId)) this.table.grant(l.sessionId, l.epoch, sentAt);
      else await this.lose(l.sessionId, 'its lease was taken or ended');
    }
    await this.adoptHandedHere();
    await this.wakeQueues();
  }

  /**
   * Leases a move handed to this node. Each is renewed by this node before its session starts, so its validity
   * here is counted from a statement this node sent. A lease this node let go itself, whose release has not
   * landed yet (its connection is still closing), is not one of them: running it again would open a second
   * connection next to the one the next owner opens.
   */
  private async adoptHandedHere(): Promise<void> {
    const handed = (await this.store.held(this.identity.id)).filter((l) =>
      this.table.handedHere(l.sessionId, l.epoch),
    );
    if (!handed.length || this.stopping) return;
    const sentAt = performance.now();
    const renewed = await this.store.renew(this.identity.id, handed, this.config.CLUSTER_LEASE_MS);
    for (const l of handed) {
      if (this.stopping) return;
      if (renewed.has(l.sessionId) && this.table.handedHere(l.sessionId, l.epoch))
        await this.adopt(l.sessionId, l.epoch, sentAt);
    }
  }

  /** The polling side of queue signals: owned sessions with queued sends are drained. */
  private async wakeQueues(): Promise<void> {
    const held = this.table.heldSessions().map((l) => l.sessionId);
    for (let i = 0; i < held.length; i += 200) {
      const chunk = held.slice(i, i + 200);
      // One index range per session (session_id, status, seq), not a scan of every queued row.
      const rows = await this.sql.read(() =>
        all<{ sessionId: string }>(
          `SELECT DISTINCT session_id AS "sessionId" FROM messages
            WHERE session_id IN (${chunk.map(() => '?').join(',')}) AND status = 'queued'`,
          chunk,
        ),
      );
      for (const { sessionId } of rows)
        if (this.table.holds(sessionId)) this.emitter.emit(CLUSTER_QUEUE, { session: sessionId });
    }
  }

  /** Leases past their local validity: the connection closes now, before the table lets another node take it. */
  private async watch(): Promise<void> {
    const now = performance.now();
    for (const l of this.table.heldSessions()) {
      if (l.validUntil <= now) await this.lose(l.sessionId, 'its lease could not be renewed in time');
    }
  }

  place(): Promise<void> {
    if (this.placing) {
      this.placeAgain = true;
      return this.placing;
    }
    this.placing = this.doPlace().finally(() => {
      this.placing = null;
      if (this.placeAgain && !this.stopping) {
        this.placeAgain = false;
        void this.place().catch(() => undefined);
      }
    });
    return this.placing;
  }

  private async doPlace(): Promise<void> {
    const snapshot = await this.store.snapshot();
    await this.manager.refreshFromStore((id) => this.table.holds(id));
    const plan = placementPlan(snapshot, {
      nodeId: this.identity.id,
      // Three missed heartbeats, or the lease lifetime if shorter.
      liveAfterMs: Math.min(this.config.CLUSTER_LEASE_MS, 3 * this.config.CLUSTER_RENEW_MS),
      maxSessions: this.identity.maxSessions,
      mine: this.table.heldSessions().map((l) => l.sessionId),
      movable: (id) => this.manager.movable(id),
      overdue: (id) => (this.freeRounds.get(id) ?? 0) >= OVERDUE_ROUNDS,
      mayRelease: this.roundsSinceOverdue >= QUIET_ROUNDS,
    });
    const late = plan.claim.some((id) => (this.freeRounds.get(id) ?? 0) >= OVERDUE_ROUNDS);
    this.roundsSinceOverdue = late ? 0 : this.roundsSinceOverdue + 1;
    // How many rounds in a row each session was seen without a live owner.
    const free = snapshot.sessions.filter((id) => !plan.owners.has(id));
    this.freeRounds = new Map(free.map((id) => [id, (this.freeRounds.get(id) ?? 0) + 1]));
    this.table.observed(plan.owners);
    this.table.share = plan.share;
    for (const sessionId of plan.claim) {
      if (this.stopping) return;
      const sentAt = performance.now();
      const epoch = await this.store.claim(sessionId, this.identity.id, this.config.CLUSTER_LEASE_MS);
      if (epoch !== null) await this.adopt(sessionId, epoch, sentAt);
    }
    for (const sessionId of plan.release) {
      const epoch = this.table.epochOf(sessionId);
      if (epoch === null || this.stopping) continue;
      this.table.drop(sessionId);
      if (!this.mayHandOn(sessionId, await this.manager.relinquish(sessionId))) continue;
      await this.store.release(sessionId, this.identity.id, epoch);
      this.logger.log(`[${sessionId}] handed back for another node (this node holds more than its share)`);
    }
    if (plan.release.length) this.bus.notify({ t: 'placement' });
  }

  /** Runs a session whose lease was just taken: its interrupted sends are queued again first. */
  private async adopt(sessionId: string, epoch: number, sentAt: number): Promise<void> {
    this.table.grant(sessionId, epoch, sentAt);
    try {
      await this.emitter.emitAsync(CLUSTER_ADOPTING, { session: sessionId });
      await this.manager.resume(sessionId);
      this.logger.log(`[${sessionId}] owned by this node (epoch ${epoch})`);
    } catch (err) {
      this.logger.warn(`[${sessionId}] could not be taken over: ${(err as Error).message}`);
      this.table.drop(sessionId);
      const closed = await this.manager.relinquish(sessionId).catch(() => false);
      if (this.mayHandOn(sessionId, closed))
        await this.store.release(sessionId, this.identity.id, epoch).catch(() => undefined);
    }
  }

  /**
   * Whether a session whose connection was just closed here may have its lease handed on: only once the close
   * is known. Otherwise the lease is left to run out (nothing renews it now), so no node connects while this
   * connection may still be open at WhatsApp.
   */
  private mayHandOn(sessionId: string, closed: boolean): boolean {
    if (!closed)
      this.logger.warn(
        `[${sessionId}] its connection did not report its close in time: the lease is left to run out`,
      );
    return closed;
  }

  private async lose(sessionId: string, why: string): Promise<void> {
    if (this.table.epochOf(sessionId) === null) return;
    this.table.drop(sessionId);
    this.logger.warn(`[${sessionId}] no longer owned by this node (${why}): its connection closes`);
    await this.manager.relinquish(sessionId, { cut: true });
  }
}
