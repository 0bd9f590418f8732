import type { ClusterSnapshot } from './lease.store';

/** Sessions a node takes in one placement round at most: a dead node's sessions reconnect in waves, not a storm. */
export const CLAIM_BATCH = 25;

export interface PlacementInput {
  nodeId: string;
  /** A node whose heartbeat is older than this is not live (ms). */
  liveAfterMs: number;
  maxSessions: number;
  /** The sessions this node holds now. */
  mine: string[];
  /** Whether a held session may be handed to another node now (not in the middle of a pairing). */
  movable: (sessionId: string) => boolean;
  /**
   * Whether a session has been without a live owner for a while (earlier rounds saw it free too): it is taken
   * beyond the fair share, up to capacity. Nodes may disagree about which nodes are live (each judges by its
   * own lease lifetime): the share alone could then leave a session with no node willing to take it.
   */
  overdue?: (sessionId: string) => boolean;
  /** False right after this node took overdue sessions: giving sessions back then would only bounce them. */
  mayRelease?: boolean;
}

export interface PlacementPlan {
  /** Sessions without a live owner this node takes now. */
  claim: string[];
  /** Sessions this node gives back (it holds more than its share). */
  release: string[];
  /** The fair share: sessions per live node, rounded up. */
  share: number;
  /** Every session's live owner as the snapshot shows it. */
  owners: Map<string, string>;
}

/**
 * One placement round of one node, from a snapshot of the table: take sessions nobody holds while below the
 * fair share (sessions / live nodes, rounded up) and the node's capacity, and give back what is more than one
 * above it, when another live node has room. Each node runs this on its own; leases are taken by
 * compare-and-swap, so two nodes choosing the same session is harmless. The order is shuffled so that nodes
 * looking at once mostly choose different sessions.
 */
export function placementPlan(
  snapshot: ClusterSnapshot,
  input: PlacementInput,
  random = Math.random,
): PlacementPlan {
  const live = snapshot.nodes.filter(
    (n) => n.stoppedAt === null && snapshot.now - n.heartbeatAt < input.liveAfterMs,
  );
  const liveIds = new Set(live.map((n) => n.id));
  liveIds.add(input.nodeId);
  const owners = new Map<string, string>();
  const load = new Map<string, number>([...liveIds].map((id) => [id, 0]));
  for (const l of snapshot.leases) {
    if (l.expiresAt <= snapshot.now || !liveIds.has(l.owner)) continue;
    owners.set(l.sessionId, l.owner);
    load.set(l.owner, (load.get(l.owner) ?? 0) + 1);
  }
  const mine = new Set(input.mine);
  for (const id of mine) owners.set(id, input.nodeId);
  const sessions = new Set(snapshot.sessions);
  const share = Math.max(1, Math.ceil(sessions.size / liveIds.size));
  const free = snapshot.sessions.filter((id) => !owners.has(id));
  const room = Math.min(input.maxSessions, share) - mine.size;
  const fair = room > 0 ? shuffle(free, random).slice(0, Math.min(room, CLAIM_BATCH)) : [];
  const taken = new Set(fair);
  const spare = Math.min(input.maxSessions - mine.size - fair.length, CLAIM_BATCH - fair.length);
  const late = spare > 0 ? free.filter((id) => !taken.has(id) && input.overdue?.(id)).slice(0, spare) : [];
  const claim = [...fair, ...late];

  let release: string[] = [];
  const over = mine.size - (share + 1);
  const someoneHasRoom = [...load].some(([id, n]) => id !== input.nodeId && n < share);
  if (over > 0 && someoneHasRoom && free.length === 0 && input.mayRelease !== false) {
    release = shuffle(
      [...mine].filter((id) => sessions.has(id) && input.movable(id)),
      random,
    ).slice(0, over);
  }
  return { claim, release, share, owners };
}

function shuffle<T>(items: T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
