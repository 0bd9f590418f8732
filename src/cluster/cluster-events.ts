/** In-process events between the cluster's keeper and the modules that act on a session's ownership. */

/** `{ session }`, emitted (and awaited) when this node takes a session, before it connects. */
export const CLUSTER_ADOPTING = 'cluster.adopting';
/** `{ session }`: sends are queued for a session this node owns (a signal from another node, or polling). */
export const CLUSTER_QUEUE = 'cluster.queue';
/** `{ session }`: a send was queued here for a session this node does not own (its owner is told). */
export const CLUSTER_QUEUED_ELSEWHERE = 'cluster.queued-elsewhere';

export interface ClusterSessionEvent {
  session: string;
}
