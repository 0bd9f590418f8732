import * as fs from 'node:fs';
import * as path from 'node:path';
import { closedPort } from '../../support/closed-port';
import { freshPostgresDatabase, type TestDatabase } from '../../support/postgres';
import { startSandboxProcess, type SandboxProcess } from '../../support/sandbox-process';
import { TEST_API_KEY, tempDir } from '../../support/test-app';
import { waitUntil } from '../../support/wait';
import { GatewayNode, type NodeLaunch } from './gateway-node';
import { linkSession, linkSessions, type LinkedSession } from './linking';

/** `GET /api/cluster` of the cluster core (the contract this harness codes against). */
export interface ClusterView {
  node: string;
  leaseMs: number;
  nodes: {
    id: string;
    url: string;
    maxSessions: number;
    live: boolean;
    heartbeatAgeMs: number;
    sessions: number;
  }[];
  sessions: { id: string; owner: string | null; epoch: number; leaseAgeMs: number; expiresInMs: number }[];
}

export interface ClusterOptions {
  /** Gateway nodes to start (n1, n2, …); default 1. */
  nodes?: number;
  /** Timings of every node (ms); defaults: lease 6000, renew 1000, placement 500, keep-alive 1000. */
  leaseMs?: number;
  renewMs?: number;
  placementMs?: number;
  keepAliveMs?: number;
  maxSessions?: number;
  /** The sandbox closes a connection silent this long (default 3000: above keep-alive, under the lease). */
  idleTimeoutMs?: number;
  /** More environment for every node (e.g. LOG_LEVEL: 'debug'), or per node. */
  env?: Record<string, string>;
  nodeEnv?: (id: string) => Record<string, string>;
  /** How every node runs (default: the sources through SWC). */
  launch?: NodeLaunch;
}

const DEFAULTS = { leaseMs: 6000, renewMs: 1000, placementMs: 500, keepAliveMs: 1000, idleTimeoutMs: 3000 };
/** A fixed signing secret for every node: webhooks are signed alike whichever node delivers them. */
const WEBHOOK_SECRET = `whsec_${Buffer.from('cluster-test-webhook-secret-0123').toString('base64')}`;

/**
 * A test cluster: a fresh PostgreSQL database (on the run's server, see test/support/postgres-global-setup.ts),
 * the WhatsApp sandbox in its own process (with the idle timeout on) and N gateway nodes as child processes,
 * each on a port chosen up front and its own DATA_DIR, sharing the database, the media directory and the
 * webhook secret. `stop()` ends everything and drops the database.
 */
export class TestCluster {
  readonly nodes: GatewayNode[] = [];
  private readonly mediaDir = tempDir('cluster-media-');

  private constructor(
    readonly db: TestDatabase,
    readonly sandbox: SandboxProcess,
    private readonly opts: ClusterOptions,
  ) {}

  static async start(opts: ClusterOptions = {}): Promise<TestCluster> {
    const db = await freshPostgresDatabase();
    const sandbox = await startSandboxProcess({
      idleTimeoutMs: opts.idleTimeoutMs ?? DEFAULTS.idleTimeoutMs,
    }).catch(async (err: Error) => {
      await db.drop();
      throw err;
    });
    const cluster = new TestCluster(db, sandbox, opts);
    try {
      // One after another: the first node runs the migrations, the others find them done.
      for (let i = 1; i <= (opts.nodes ?? 1); i++) await cluster.addNode();
    } catch (err) {
      await cluster.stop().catch(() => undefined);
      throw err;
    }
    return cluster;
  }

  /** Starts one more node (`n<count+1>`) with the cluster's settings. */
  async addNode(): Promise<GatewayNode> {
    const id = `n${this.nodes.length + 1}`;
    const port = await closedPort();
    const node = await GatewayNode.start({ id, env: this.nodeEnv(id, port), launch: this.opts.launch });
    this.nodes.push(node);
    return node;
  }

  node(id: string): GatewayNode {
    const node = this.nodes.find((n) => n.id === id);
    if (!node) throw new Error(`no node ${id} (have ${this.nodes.map((n) => n.id).join(', ')})`);
    return node;
  }

  /** Running, unfrozen nodes, optionally without some (e.g. one about to be killed). */
  running(except: string[] = []): GatewayNode[] {
    return this.nodes.filter((n) => n.responsive && !except.includes(n.id));
  }

  /** A running, unfrozen node to ask (the first). */
  anyNode(except: string[] = []): GatewayNode {
    const node = this.running(except)[0];
    if (!node) throw new Error('no node is running');
    return node;
  }

  /** Links the session (created if missing) by a scanned QR; resolves once a node says it is connected. */
  linkSession(id: string, opts: { timeoutMs?: number } = {}): Promise<LinkedSession> {
    return linkSession(this, id, opts);
  }

  /** Links several sessions, at most `parallel` (default 3) at a time. */
  linkSessions(
    ids: string[],
    opts: { parallel?: number; timeoutMs?: number } = {},
  ): Promise<LinkedSession[]> {
    return linkSessions(this, ids, opts);
  }

  /** GET /api/sessions/:id from a running node (the view any node answers). */
  async session(id: string, via = this.anyNode()): Promise<Record<string, unknown> & { status: string }> {
    const res = await via.get(`/api/sessions/${encodeURIComponent(id)}`);
    if (res.status !== 200)
      throw new Error(`GET /api/sessions/${id} on ${via.id}: ${res.status} ${res.text}`);
    return res.body;
  }

  /** GET /api/cluster from a running node (needs the cluster core). */
  async view(via = this.anyNode()): Promise<ClusterView> {
    const res = await via.get('/api/cluster');
    if (res.status !== 200) throw new Error(`GET /api/cluster on ${via.id}: ${res.status} ${res.text}`);
    return res.body as ClusterView;
  }

  /** Session id → owning node id (null: none right now), from GET /api/cluster (needs the cluster core). */
  async owners(via?: GatewayNode): Promise<Record<string, string | null>> {
    const view = await this.view(via);
    return Object.fromEntries(view.sessions.map((s) => [s.id, s.owner]));
  }

  /** POST /api/sessions/:id/move {node} (needs the cluster core); expects 202. */
  async move(id: string, to: string, via = this.anyNode()): Promise<void> {
    const res = await via.post(`/api/sessions/${encodeURIComponent(id)}/move`, { node: to });
    if (res.status !== 202) throw new Error(`move ${id} to ${to} via ${via.id}: ${res.status} ${res.text}`);
  }

  /** Waits until the session is owned by `node` (or by none, with null); answers the owners map. */
  waitForOwner(id: string, node: string | null, opts: { timeoutMs?: number } = {}) {
    return this.waitForOwners((o) => (o[id] ?? null) === node, {
      ...opts,
      what: `session ${id} to be owned by ${node ?? 'no node'}`,
    });
  }

  /** Waits until `predicate` holds for the owners map; answers that map. */
  waitForOwners(
    predicate: (owners: Record<string, string | null>) => boolean,
    opts: { timeoutMs?: number; what?: string } = {},
  ): Promise<Record<string, string | null>> {
    return waitUntil(
      async () => {
        const owners = await this.owners();
        return predicate(owners) ? owners : null;
      },
      { timeoutMs: opts.timeoutMs ?? 30_000, intervalMs: 200, what: opts.what ?? 'the session owners' },
    );
  }

  /** Waits until every listed session is `connected` (as a running node reports it). */
  async waitConnected(ids: string[], opts: { timeoutMs?: number } = {}): Promise<void> {
    await waitUntil(
      async () => {
        for (const id of ids) if ((await this.session(id)).status !== 'connected') return false;
        return true;
      },
      { timeoutMs: opts.timeoutMs ?? 30_000, intervalMs: 200, what: `sessions ${ids.join(', ')} connected` },
    );
  }

  /** Kills whatever still runs (SIGKILL: fast, nothing to keep), stops the sandbox and drops the database. */
  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.kill()));
    await this.sandbox.stop();
    await this.db.drop();
    for (const dir of [this.mediaDir, ...this.nodes.map((n) => n.env.DATA_DIR)])
      fs.rmSync(dir, { recursive: true, force: true });
  }

  private nodeEnv(id: string, port: number): Record<string, string> {
    const o = { ...DEFAULTS, ...this.opts };
    const dir = tempDir(`cluster-${id}-`);
    return {
      HOST: '127.0.0.1',
      PORT: String(port),
      NODE_URL: `http://127.0.0.1:${port}`,
      NODE_ID: id,
      DATABASE_URL: this.db.url,
      DATA_DIR: dir,
      SANDBOX: 'false',
      DATABASE_PATH: path.join(dir, 'app.db'),
      MEDIA_DIR: this.mediaDir,
      API_KEY: TEST_API_KEY,
      WEBHOOK_SECRET,
      LOG_LEVEL: 'warn',
      NODE_MAX_SESSIONS: String(o.maxSessions ?? 1000),
      CLUSTER_LEASE_MS: String(o.leaseMs),
      CLUSTER_RENEW_MS: String(o.renewMs),
      CLUSTER_PLACEMENT_MS: String(o.placementMs),
      WA_KEEPALIVE_INTERVAL_MS: String(o.keepAliveMs),
      WA_WEBSOCKET_URL: this.sandbox.wsUrl,
      // Media to and from the sandbox goes over HTTPS with its own CA.
      NODE_EXTRA_CA_CERTS: this.sandbox.tlsCaFile,
      WA_RECONNECT_BASE_MS: '100',
      WA_RECONNECT_MAX_MS: '1000',
      THROTTLE_LIMIT: '100000',
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
      SHUTDOWN_TIMEOUT_MS: '15000',
      ...this.opts.env,
      ...this.opts.nodeEnv?.(id),
    };
  }
}
