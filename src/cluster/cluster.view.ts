import { ApiProperty } from '@nestjs/swagger';
import type { ClusterSnapshot } from './leases/lease.store';

export class ClusterNodeView {
  @ApiProperty({ example: 'n1' }) id: string;
  @ApiProperty({ example: 'http://10.0.0.11:5000', nullable: true, type: String }) url: string | null;
  @ApiProperty({ example: 1000 }) maxSessions: number;
  @ApiProperty({ example: true, description: 'Heartbeat within the lease lifetime, and not stopped' })
  live: boolean;
  @ApiProperty({ example: 850, description: 'Since its last heartbeat (ms)' }) heartbeatAgeMs: number;
  @ApiProperty({ example: '2026-12-03T04:00:00.000Z' }) startedAt: string;
  @ApiProperty({ example: 10, description: 'Sessions it owns (valid leases)' }) sessions: number;
}

export class ClusterLeaseView {
  @ApiProperty({ example: 'default' }) id: string;
  @ApiProperty({
    example: 'n1',
    nullable: true,
    type: String,
    description: 'Null: no live owner (being moved)',
  })
  owner: string | null;
  @ApiProperty({ example: 3, description: 'Grows by one each time the session changes hands' }) epoch: number;
  @ApiProperty({ example: 120000, description: 'Since the current owner took it (ms)' }) leaseAgeMs: number;
  @ApiProperty({ example: 27000, description: 'Until the lease runs out without a renewal (ms)' })
  expiresInMs: number;
}

export class ClusterView {
  @ApiProperty({ example: 'n1', description: 'The node that answered' }) node: string;
  @ApiProperty({ example: 30000 }) leaseMs: number;
  @ApiProperty({ type: [ClusterNodeView] }) nodes: ClusterNodeView[];
  @ApiProperty({ type: [ClusterLeaseView] }) sessions: ClusterLeaseView[];
}

export function toClusterView(snapshot: ClusterSnapshot, node: string, leaseMs: number): ClusterView {
  const live = (n: ClusterSnapshot['nodes'][number]) =>
    n.stoppedAt === null && snapshot.now - n.heartbeatAt < leaseMs;
  const liveIds = new Set(snapshot.nodes.filter(live).map((n) => n.id));
  const leases = new Map(snapshot.leases.map((l) => [l.sessionId, l]));
  const valid = (id: string) => {
    const l = leases.get(id);
    return l && l.expiresAt > snapshot.now && liveIds.has(l.owner) ? l : null;
  };
  const owned = new Map<string, number>();
  for (const id of snapshot.sessions) {
    const l = valid(id);
    if (l) owned.set(l.owner, (owned.get(l.owner) ?? 0) + 1);
  }
  return {
    node,
    leaseMs,
    nodes: snapshot.nodes.map((n) => ({
      id: n.id,
      url: n.url,
      maxSessions: n.maxSessions,
      live: live(n),
      heartbeatAgeMs: Math.max(0, snapshot.now - n.heartbeatAt),
      startedAt: new Date(n.startedAt).toISOString(),
      sessions: owned.get(n.id) ?? 0,
    })),
    sessions: snapshot.sessions.map((id) => {
      const l = leases.get(id);
      const v = valid(id);
      return {
        id,
        owner: v ? v.owner : null,
        epoch: l?.epoch ?? 0,
        leaseAgeMs: v ? Math.max(0, snapshot.now - v.acquiredAt) : 0,
        expiresInMs: v ? v.expiresAt - snapshot.now : 0,
      };
    }),
  };
}
