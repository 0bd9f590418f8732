import type { ClusterSnapshot } from './lease.store';
import { CLAIM_BATCH, placementPlan } from './placement';

const NOW = 1_000_000;
const node = (id: string, heartbeatAgo = 0, stopped = false) => ({
  id,
  url: `http://${id}`,
  maxSessions: 1000,
  startedAt: 0,
  heartbeatAt: NOW - heartbeatAgo,
  stoppedAt: stopped ? NOW - 1 : null,
});
const lease = (sessionId: string, owner: string, expiresIn = 10_000) => ({
  sessionId,
  owner,
  epoch: 1,
  acquiredAt: 0,
  renewedAt: 0,
  expiresAt: NOW + expiresIn,
});
const ids = (n: number, prefix = 's') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
const input = (nodeId: string, mine: string[] = [], maxSessions = 1000) => ({
  nodeId,
  liveAfterMs: 30_000,
  maxSessions,
  mine,
  movable: () => true,
});

describe('placementPlan', () => {
  it('a lone node takes every free session, a batch per round', () => {
    const snapshot: ClusterSnapshot = { now: NOW, nodes: [node('n1')], leases: [], sessions: ids(30) };
    const plan = placementPlan(snapshot, input('n1'));
    expect(plan.claim).toHaveLength(CLAIM_BATCH);
    expect(plan.share).toBe(30);
    expect(plan.release).toEqual([]);
  });

  it('takes up to the fair share among live nodes, never beyond its capacity', () => {
    const snapshot: ClusterSnapshot = {
      now: NOW,
      nodes: [node('n1'), node('n2'), node('n3')],
      leases: [],
      sessions: ids(30),
    };
    expect(placementPlan(snapshot, input('n2')).claim).toHaveLength(10);
    expect(placementPlan(snapshot, input('n2', [], 4)).claim).toHaveLength(4);
  });

  it("takes a dead node's sessions (stale heartbeat or expired lease), not a live one's", () => {
    const sessions = ids(6);
    const snapshot: ClusterSnapshot = {
      now: NOW,
      nodes: [node('n1'), node('n2', 60_000), node('n3', 0, true)],
      leases: [lease('s0', 'n1'), lease('s1', 'n2'), lease('s2', 'n3'), lease('s3', 'n1', -1)],
      sessions,
    };
    const plan = placementPlan(snapshot, input('n1', ['s0']));
    expect(plan.share).toBe(6);
    expect(plan.claim.sort()).toEqual(['s1', 's2', 's3', 's4', 's5']);
    expect(plan.owners.get('s0')).toBe('n1');
    expect(plan.owners.has('s1')).toBe(false);
  });

  it('gives back what is more than one above its share once another node has room and nothing is free', () => {
    const mine = ids(30);
    const snapshot: ClusterSnapshot = {
      now: NOW,
      nodes: [node('n1'), node('n2'), node('n3')],
      leases: mine.map((s) => lease(s, 'n1')),
      sessions: mine,
    };
    const plan = placementPlan(snapshot, input('n1', mine));
    expect(plan.share).toBe(10);
    expect(plan.release).toHaveLength(19);
    expect(new Set(plan.release).size).toBe(19);
    // Within one of the share: kept.
    const balanced = placementPlan(snapshot, input('n1', mine.slice(0, 11)));
    expect(balanced.release).toEqual([]);
  });

  it('keeps sessions that are pairing (a QR waits for its scan)', () => {
    const mine = ids(4);
    const snapshot: ClusterSnapshot = {
      now: NOW,
      nodes: [node('n1'), node('n2')],
      leases: mine.map((s) => lease(s, 'n1')),
      sessions: mine,
    };
    const plan = placementPlan(snapshot, {
      ...input('n1', mine),
      movable: (id) => id !== 's0' && id !== 's1',
    });
    expect(plan.release).toHaveLength(1);
    expect(['s2', 's3']).toContain(plan.release[0]);
  });

  it('takes sessions left without an owner for a while beyond its share, up to its capacity', () => {
    const sessions = ids(12);
    const snapshot: ClusterSnapshot = {
      now: NOW,
      // n1 believes n2 live (n2 judges liveness by a longer lease); n2 believes it has its share.
      nodes: [node('n1'), node('n2'), node('n3', 20_000)],
      leases: sessions.slice(0, 8).map((s) => lease(s, 'n1')),
      sessions,
    };
    const fair = placementPlan(snapshot, input('n1', sessions.slice(0, 8)));
    expect(fair.claim).toEqual([]);
    const overdue = placementPlan(snapshot, {
      ...input('n1', sessions.slice(0, 8), 10),
      overdue: () => true,
    });
    expect(overdue.claim).toHaveLength(2);
  });
});
