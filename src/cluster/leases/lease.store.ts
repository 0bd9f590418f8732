import { Injectable } from '@nestjs/common';
import { all, get, run, runExpecting, Sql, SqlDatabase } from '../../database/sql/sql';

/** The database server's clock in ms: every lease time is the server's, so nodes' clocks never disagree on one. */
export const DB_NOW = `(EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::bigint`;

export interface NodeRow {
  id: string;
  url: string | null;
  maxSessions: number;
  startedAt: number;
  heartbeatAt: number;
  stoppedAt: number | null;
}

export interface LeaseRow {
  sessionId: string;
  owner: string;
  epoch: number;
  acquiredAt: number;
  renewedAt: number;
  expiresAt: number;
}

/** What placement and `GET /api/cluster` look at, read at one moment of the server's clock. */
export interface ClusterSnapshot {
  now: number;
  nodes: NodeRow[];
  leases: LeaseRow[];
  sessions: string[];
}

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/**
 * The SQL of nodes and leases (PostgreSQL). A lease is taken by compare-and-swap (only an expired one, or one
 * handed over by its owner), renewed one row per statement (so a renewal never holds one lease's lock while
 * waiting for another's: the fence's share lock, taken inside write transactions, cannot deadlock with it), and
 * given up by ending it now.
 */
@Injectable()
export class LeaseStore {
  constructor(private readonly sql: SqlDatabase) {}

  heartbeat(node: { id: string; url: string | null; maxSessions: number; startedAt: number }): Promise<void> {
    return this.sql.write(function* () {
      yield* run(
        `INSERT INTO cluster_nodes (id, url, max_sessions, started_at, heartbeat_at, stopped_at)
         VALUES (?, ?, ?, ?, ${DB_NOW}, NULL)
         ON CONFLICT (id) DO UPDATE SET url = excluded.url, max_sessions = excluded.max_sessions,
           started_at = excluded.started_at, heartbeat_at = excluded.heartbeat_at, stopped_at = NULL`,
        [node.id, node.url, node.maxSessions, node.startedAt],
      );
    });
  }

  /** The node leaves: its heartbeat stops counting at once. */
  stopped(nodeId: string): Promise<void> {
    return this.sql.write(function* () {
      yield* run(`UPDATE cluster_nodes SET stopped_at = ${DB_NOW} WHERE id = ?`, [nodeId]);
    });
  }

  /** The leases the node holds (valid or not), as the table says. */
  held(nodeId: string): Promise<{ sessionId: string; epoch: number }[]> {
    return this.sql
      .read(() =>
        all<{ sessionId: string; epoch: unknown }>(
          `SELECT session_id AS "sessionId", epoch FROM session_leases WHERE owner = ? AND expires_at > ${DB_NOW}`,
          [nodeId],
        ),
      )
      .then((rows) => rows.map((r) => ({ sessionId: r.sessionId, epoch: Number(r.epoch) })));
  }

  /** Extends each lease still held at its epoch; answers those renewed (the others are lost). */
  renew(
    nodeId: string,
    leases: { sessionId: string; epoch: number }[],
    leaseMs: number,
  ): Promise<Set<string>> {
    return this.sql.read(function* () {
      const renewed = new Set<string>();
      for (const l of leases) {
        const n = yield* run(
          `UPDATE session_leases SET renewed_at = ${DB_NOW}, expires_at = ${DB_NOW} + ?
            WHERE session_id = ? AND owner = ? AND epoch = ? AND expires_at > ${DB_NOW}`,
          [leaseMs, l.sessionId, nodeId, l.epoch],
        );
        if (n > 0) renewed.add(l.sessionId);
      }
      return renewed;
    });
  }

  /**
   * Takes the session's lease if nobody holds it (no row, or expired), or if `reclaim` and this node's id holds
   * it (a restart of this node: its previous process is gone). Answers the new epoch, or null.
   */
  claim(sessionId: string, nodeId: string, leaseMs: number, reclaim = false): Promise<number | null> {
    return this.sql
      .write(() =>
        get<{ epoch: unknown }>(
          `INSERT INTO session_leases (session_id, owner, epoch, acquired_at, renewed_at, expires_at)
           SELECT ?, ?, 1, ${DB_NOW}, ${DB_NOW}, ${DB_NOW} + ? WHERE EXISTS (SELECT 1 FROM sessions WHERE id = ?)
           ON CONFLICT (session_id) DO UPDATE SET owner = excluded.owner, epoch = session_leases.epoch + 1,
             acquired_at = excluded.acquired_at, renewed_at = excluded.renewed_at, expires_at = excluded.expires_at
           WHERE session_leases.expires_at <= ${DB_NOW} OR (? AND session_leases.owner = excluded.owner)
           RETURNING epoch`,
          [sessionId, nodeId, leaseMs, sessionId, reclaim],
        ),
      )
      .then((row) => (row ? Number(row.epoch) : null));
  }

  /** Hands the lease to another node at once (a move): a new epoch for it. Answers that epoch, or null. */
  transfer(
    sessionId: string,
    from: string,
    epoch: number,
    to: string,
    leaseMs: number,
  ): Promise<number | null> {
    return this.sql
      .write(() =>
        get<{ epoch: unknown }>(
          `UPDATE session_leases SET owner = ?, epoch = epoch + 1, acquired_at = ${DB_NOW},
             renewed_at = ${DB_NOW}, expires_at = ${DB_NOW} + ?
           WHERE session_id = ? AND owner = ? AND epoch = ? RETURNING epoch`,
          [to, leaseMs, sessionId, from, epoch],
        ),
      )
      .then((row) => (row ? Number(row.epoch) : null));
  }

  /** Ends the lease now (its connection is closed): any node may take it at once. */
  release(sessionId: string, nodeId: string, epoch: number): Promise<void> {
    return this.sql.write(function* () {
      yield* run(
        `UPDATE session_leases SET expires_at = ${DB_NOW} WHERE session_id = ? AND owner = ? AND epoch = ?`,
        [sessionId, nodeId, epoch],
      );
    });
  }

  snapshot(): Promise<ClusterSnapshot> {
    return this.sql.read(function* () {
      const now = Number((yield* get<{ now: unknown }>(`SELECT ${DB_NOW} AS now`))!.now);
      const nodes = yield* all<Record<string, unknown>>(
        `SELECT id, url, max_sessions AS "maxSessions", started_at AS "startedAt", heartbeat_at AS "heartbeatAt",
                stopped_at AS "stoppedAt" FROM cluster_nodes ORDER BY id`,
      );
      const leases = yield* all<Record<string, unknown>>(
        `SELECT session_id AS "sessionId", owner, epoch, acquired_at AS "acquiredAt", renewed_at AS "renewedAt",
                expires_at AS "expiresAt" FROM session_leases`,
      );
      const sessions = yield* all<{ id: string }>(`SELECT id FROM sessions ORDER BY created_at, id`);
      return {
        now,
        nodes: nodes.map((n) => ({
          id: n.id as string,
          url: (n.url as string | null) ?? null,
          maxSessions: Number(n.maxSessions),
          startedAt: Number(n.startedAt),
          heartbeatAt: Number(n.heartbeatAt),
          stoppedAt: num(n.stoppedAt),
        })),
        leases: leases.map((l) => ({
          sessionId: l.sessionId as string,
          owner: l.owner as string,
          epoch: Number(l.epoch),
          acquiredAt: Number(l.acquiredAt),
          renewedAt: Number(l.renewedAt),
          expiresAt: Number(l.expiresAt),
        })),
        sessions: sessions.map((s) => s.id),
      };
    });
  }

  /**
   * Inside a write: refuses the transaction unless `nodeId` holds the session's lease at `epoch`, unexpired. The
   * share lock it takes makes a takeover wait for this transaction's commit, so nothing this node writes under
   * its lease lands after another node took the session.
   */
  *fence(sessionId: string, nodeId: string, epoch: number): Sql<boolean> {
    const n = yield* runExpecting(
      `SELECT 1 FROM session_leases WHERE session_id = ? AND owner = ? AND epoch = ? AND expires_at > ${DB_NOW}
         FOR SHARE`,
      [sessionId, nodeId, epoch],
      1,
    );
    return n === 1;
  }
}
