import * as fs from 'node:fs';
import * as path from 'node:path';
import { Client } from 'pg';
import { gatewayEnv, GatewayChild, startGatewayChild } from '../durability/support/gateway-child';
import { REALTIME_APPLICATION_NAME, REALTIME_POOL_SIZE } from '../../src/realtime/postgres-io';
import { freshPostgresDatabase, TestDatabase } from '../support/postgres';
import { SandboxProcess, startSandboxProcess } from '../support/sandbox-process';
import { startTestApp, tempDir } from '../support/test-app';
import { waitUntil } from '../support/wait';
import { RecordingClient, recordingClient, Received } from './support/recording-client';

/**
 * End-to-end: two gateway processes (nodes) on one fresh PostgreSQL database, Socket.IO on
 * @socket.io/postgres-adapter. A client of either node receives the events produced on both, each once; session
 * rooms still filter; an event over NOTIFY's 8000 bytes crosses through `socket_io_attachments`; the nodes survive
 * their adapter connections being killed and relay again; a node's adapter pool is closed when the app closes.
 * Runs on the PostgreSQL server Jest's globalSetup starts, whatever TEST_DB_ENGINE says.
 */

describe('Socket.IO across the nodes of a cluster (PostgreSQL adapter)', () => {
  let sandbox: SandboxProcess;
  let db: TestDatabase;
  const dirs: string[] = [];
  let a: GatewayChild;
  let b: GatewayChild;
  let aAll: RecordingClient;
  let bAll: RecordingClient;
  const clients: RecordingClient[] = [];
  let n = 0;

  const client = async (gw: GatewayChild | string, sessions?: string[]) => {
    const c = await recordingClient(typeof gw === 'string' ? gw : gw.url, sessions);
    clients.push(c);
    return c;
  };
  /** `webhook.inbound` carrying `message`, produced on `gw` (a real inbound webhook; it belongs to no session). */
  const inbound = async (gw: GatewayChild, message: string) => {
    await gw.post('/api/webhook', { from: '6281234567890', message }).expect(200);
  };
  const isInbound = (message: string) => (e: Received) =>
    e.name === 'webhook.inbound' && e.payload.message === message;
  const inboundCount = (c: RecordingClient, message: string) => c.events.filter(isInbound(message)).length;
  /**
   * An event produced on `gw` after everything before it, once every client has it: what was sent before it
   * has arrived, so counting then shows duplicates. Returns its message.
   */
  const fence = async (gw: GatewayChild, ...on: RecordingClient[]) => {
    const message = `fence ${++n}`;
    await inbound(gw, message);
    for (const c of on) await c.waitFor(message, isInbound(message));
    return message;
  };
  /** Posts on `from` until `to` receives one: the nodes' LISTEN connections are up (they connect after boot). */
  const linkedUp = async (from: GatewayChild, to: RecordingClient) => {
    const prefix = `link-up ${++n}`;
    let i = 0;
    await waitUntil(
      async () => {
        await inbound(from, `${prefix} ${i++}`);
        return to.events.some((e) => e.name === 'webhook.inbound' && e.payload.message?.startsWith(prefix));
      },
      { timeoutMs: 30_000, intervalMs: 300, what: 'an event to cross between the nodes' },
    );
  };
  const onDatabase = async <T>(sql: string): Promise<T[]> => {
    const pg = new Client({ connectionString: db.url });
    await pg.connect();
    try {
      return (await pg.query(sql)).rows as T[];
    } finally {
      await pg.end();
    }
  };
  /** The adapter connections of the node named `nodeId` (they carry it in their application_name). */
  const realtimeConnections = async (nodeId: string) =>
    Number(
      (
        await onDatabase<{ n: string }>(
          `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database()
            AND application_name = '${REALTIME_APPLICATION_NAME} ${nodeId}'`,
        )
      )[0].n,
    );

  beforeAll(async () => {
    sandbox = await startSandboxProcess();
    db = await freshPostgresDatabase();
    const node = (id: string) => {
      const dir = tempDir('gw-cluster-io-');
      dirs.push(dir);
      return startGatewayChild(gatewayEnv(dir, sandbox, { DATABASE_URL: db.url, NODE_ID: id }));
    };
    [a, b] = await Promise.all([node('node-a'), node('node-b')]);
    aAll = await client(a);
    bAll = await client(b);
    await linkedUp(b, aAll);
    await linkedUp(a, bAll);
  }, 180_000);

  afterAll(async () => {
    for (const c of clients) c.close();
    await a?.stop();
    await b?.stop();
    await sandbox?.stop();
    await db?.drop();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("delivers an event produced on one node to the other node's clients and its own, each once", async () => {
    for (const [from, to] of [
      [b, a],
      [a, b],
    ] as const) {
      const message = `small ${++n}`;
      const t0 = Date.now();
      await inbound(from, message);
      const remote = from === b ? aAll : bAll;
      const own = from === b ? bAll : aAll;
      await remote.waitFor(`"${message}" on the other node`, isInbound(message));
      const ms = Date.now() - t0;
      await fence(from, remote, own);
      await fence(to, remote, own);
      expect(inboundCount(remote, message)).toBe(1);
      expect(inboundCount(own, message)).toBe(1);
      expect(ms).toBeLessThan(5000);
    }
  });

  it("keeps session rooms: a session created on B reaches A's clients of that session or of all, not others", async () => {
    const aSub = await client(a, ['relay-b']);
    const aOther = await client(a, ['other-session']);
    await b.post('/api/sessions', { id: 'relay-b' }).expect(201);
    const ofSession = (c: RecordingClient) => c.events.filter((e) => e.payload?.session === 'relay-b');
    await bAll.waitFor(
      'a QR of relay-b on B',
      (e) => e.name === 'session.qr' && e.payload.session === 'relay-b',
    );
    const last = await fence(b, bAll);
    // Every relay-b event B's own client got before the fence reaches A's, once each.
    const cut = bAll.events.findIndex(isInbound(last));
    const produced = bAll.events
      .slice(0, cut)
      .filter((e) => e.payload?.session === 'relay-b')
      .map((e) => e.payload.id!);
    expect(new Set(produced).size).toBe(produced.length);
    expect(new Set(bAll.events.filter((e) => e.payload?.session === 'relay-b').map((e) => e.name))).toEqual(
      new Set(['session.status', 'session.qr']),
    );
    for (const c of [aAll, aSub]) {
      await waitUntil(() => produced.every((id) => c.count(id) > 0), { what: 'the relay-b events on A' });
    }
    await fence(b, aAll, aSub, aOther);
    for (const c of [aAll, aSub, bAll]) {
      for (const id of produced) expect(c.count(id)).toBe(1);
    }
    // The client of another session got none of relay-b's (nor default's), but the session-less events.
    expect(ofSession(aOther)).toEqual([]);
    expect(aOther.events.filter((e) => e.payload?.session)).toEqual([]);
    expect(aOther.events.filter((e) => e.name === 'webhook.inbound').length).toBeGreaterThan(0);
    // The subscribed client got relay-b's events and no other session's.
    expect(aSub.events.filter((e) => e.payload?.session && e.payload.session !== 'relay-b')).toEqual([]);
  });

  it("carries an event over NOTIFY's 8000 bytes through the attachments table, intact and once", async () => {
    // ~150 KB as UTF-8: far over the limit, with multi-byte characters.
    const message = `large ${++n} ` + 'Grüße, 世界! €🙂 '.repeat(4000).slice(0, 60_000);
    const t0 = Date.now();
    await inbound(b, message);
    const got = await aAll.waitFor('the large event on A', isInbound(message));
    const ms = Date.now() - t0;
    expect(got.payload.message).toBe(message);
    await fence(b, aAll, bAll);
    expect(inboundCount(aAll, message)).toBe(1);
    expect(inboundCount(bAll, message)).toBe(1);
    const [{ n: stored }] = await onDatabase<{ n: string }>(
      'SELECT count(*) AS n FROM socket_io_attachments WHERE octet_length(payload) > 60000',
    );
    expect(Number(stored)).toBeGreaterThanOrEqual(1);
    expect(ms).toBeLessThan(5000);
  });

  it('survives its adapter connections being killed, logs, and relays again', async () => {
    const killed = await onDatabase<{ pid: number }>(
      `SELECT pg_terminate_backend(pid), pid FROM pg_stat_activity
        WHERE datname = current_database() AND application_name LIKE '${REALTIME_APPLICATION_NAME}%'`,
    );
    // At least each node's LISTEN connection.
    expect(killed.length).toBeGreaterThanOrEqual(2);
    await linkedUp(b, aAll);
    await linkedUp(a, bAll);
    expect(a.child.exitCode).toBeNull();
    expect(b.child.exitCode).toBeNull();
    await a.get('/api/sessions').expect(200);
    await b.get('/api/sessions').expect(200);
    // The lost connections left their pools: each holds at most its size.
    expect(await realtimeConnections('node-a')).toBeLessThanOrEqual(REALTIME_POOL_SIZE);
    expect(await realtimeConnections('node-b')).toBeLessThanOrEqual(REALTIME_POOL_SIZE);
  });

  it("closes a node's adapter pool when its app closes, and the others carry on", async () => {
    const dir = tempDir('gw-cluster-io-');
    dirs.push(dir);
    fs.writeFileSync(path.join(dir, '.test-database-url'), db.url);
    const c = await startTestApp(gatewayEnv(dir, sandbox, { DATABASE_URL: db.url, NODE_ID: 'node-c' }), dir);
    try {
      const cAll = await client(c.url);
      await linkedUp(b, cAll);
      expect(await realtimeConnections('node-c')).toBeGreaterThan(0);
    } finally {
      await c.close();
    }
    await waitUntil(async () => (await realtimeConnections('node-c')) === 0, {
      timeoutMs: 10_000,
      what: "the closed app's adapter connections to end",
    });
    await linkedUp(b, aAll);
  }, 120_000);
});
