import { waitUntil } from '../../support/wait';
import type { TestCluster } from './cluster';
import type { GatewayNode } from './gateway-node';

export interface LinkedSession {
  id: string;
  /** The sandbox account the session is linked to. */
  phone: string;
  deviceJid: string;
}

/**
 * Links a session the way a user does, through whichever node answers: creates it if missing (POST
 * /api/sessions on a node), polls its QR on the running nodes in turn (in a cluster any node answers for the
 * owner), has the sandbox's phone scan it and waits until a node reports it connected. A QR that rotated
 * between the poll and the scan is fetched again.
 */
export async function linkSession(
  cluster: TestCluster,
  id: string,
  opts: { timeoutMs?: number } = {},
): Promise<LinkedSession> {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  const path = `/api/sessions/${encodeURIComponent(id)}`;
  const first = cluster.anyNode();
  if ((await first.get(path)).status === 404) {
    const created = await first.post('/api/sessions', { id });
    // 409: another caller (or node) created it meanwhile.
    if (created.status !== 201 && created.status !== 409)
      throw new Error(`POST /api/sessions {id: ${id}} on ${first.id}: ${created.status} ${created.text}`);
  }
  let turn = 0;
  const nextNode = (): GatewayNode => {
    const running = cluster.running();
    if (!running.length) throw new Error('no node is running');
    return running[turn++ % running.length];
  };
  let linked: { phone: string; deviceJid: string } | undefined;
  while (!linked) {
    const qr = await waitUntil(
      async () => {
        const res = await nextNode().get(`${path}/qr`);
        return res.status === 200 ? (res.body.qr as string) : null;
      },
      { timeoutMs: Math.max(deadline - Date.now(), 1), intervalMs: 200, what: `a QR for session ${id}` },
    );
    try {
      linked = await cluster.sandbox.scanQr(qr);
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 200)); // a stale QR: poll a fresh one
    }
  }
  await waitUntil(async () => (await nextNode().get(path)).body.status === 'connected', {
    timeoutMs: Math.max(deadline - Date.now(), 1),
    intervalMs: 200,
    what: `session ${id} to connect`,
  });
  return { id, ...linked };
}

/** Links the sessions with at most `parallel` (default 3) in progress at a time; answers them in order. */
export async function linkSessions(
  cluster: TestCluster,
  ids: string[],
  opts: { parallel?: number; timeoutMs?: number } = {},
): Promise<LinkedSession[]> {
  const results: LinkedSession[] = new Array(ids.length);
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const i = next++;
      results[i] = await linkSession(cluster, ids[i], { timeoutMs: opts.timeoutMs });
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.parallel ?? 3, ids.length) }, worker));
  return results;
}
