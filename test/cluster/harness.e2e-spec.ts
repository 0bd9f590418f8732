import { Client } from 'pg';
import { TestCluster } from './support/cluster';
import type { LinkedSession } from './support/linking';
import { waitUntil } from '../support/wait';

/**
 * The cluster harness itself, on one node: PostgreSQL, the sandbox in its own process and one gateway node
 * (a one-node cluster behaves like today's gateway). Links three sessions through the node's API, sends from
 * one of them, and reads the sandbox's connection records: one connection per device, none overlapping.
 */
describe('cluster harness (one node)', () => {
  let cluster: TestCluster | undefined;
  let sessions: LinkedSession[];

  beforeAll(async () => {
    cluster = await TestCluster.start({ nodes: 1 });
    sessions = await cluster.linkSessions(['s1', 's2', 's3']);
  }, 180_000);

  afterAll(async () => {
    await cluster?.stop();
  });

  it('links sessions, sends through a node and records one connection per device, no overlap', async () => {
    const c = cluster!;
    const [n1] = c.nodes;
    expect(n1.id).toBe('n1');
    expect(new Set(sessions.map((s) => s.phone)).size).toBe(3);
    for (const s of sessions) expect((await c.session(s.id)).status).toBe('connected');
    // The node keeps them in the cluster's PostgreSQL database, not in a SQLite file of its own.
    const pg = new Client({ connectionString: c.db.url });
    await pg.connect();
    try {
      const { rows } = await pg.query<{ id: string }>('SELECT id FROM sessions ORDER BY id');
      expect(rows.map((r) => r.id)).toEqual(expect.arrayContaining(['s1', 's2', 's3']));
    } finally {
      await pg.end();
    }

    const contact = '6281234588001';
    const sent = await n1.post('/api/sessions/s2/messages', {
      to: contact,
      type: 'text',
      text: 'via the cluster',
    });
    expect(sent.status).toBe(202);
    const [received] = await c.sandbox.waitForReceived(contact, 1);
    expect(received).toMatchObject({ text: 'via the cluster', fromAccount: sessions[1].phone });

    const { devices, overlaps } = await c.sandbox.connections();
    expect(overlaps).toEqual([]);
    for (const s of sessions) {
      const device = devices.find((d) => d.deviceJid === s.deviceJid);
      expect(device?.phone).toBe(s.phone);
      // Linked once, logged in once (the pairing connection is no login), still open: keep-alive beats idle.
      expect(device?.connections).toEqual([{ openedAt: expect.any(Number), closedAt: null, reason: null }]);
    }
  });

  it('a killed node restarts on the same port and database and gets its sessions back', async () => {
    const c = cluster!;
    const n1 = c.node('n1');
    await n1.kill();
    expect(n1.running).toBe(false);
    await n1.restart();
    await c.waitConnected(['s1', 's2', 's3']);
    const { devices, overlaps } = await c.sandbox.connections();
    expect(overlaps).toEqual([]);
    for (const s of sessions) {
      const records = devices.find((d) => d.deviceJid === s.deviceJid)!.connections;
      expect(records.map((r) => r.reason)).toEqual(['closed by client', null]);
    }
  });

  it('a frozen node loses its connections to the idle timeout and reconnects once thawed', async () => {
    const c = cluster!;
    const n1 = c.node('n1');
    n1.freeze();
    const idled = await waitUntil(
      async () => {
        const { devices } = await c.sandbox.connections();
        const last = sessions.map((s) =>
          devices.find((d) => d.deviceJid === s.deviceJid)!.connections.at(-1)!,
        );
        return last.every((r) => r.reason === 'idle') ? last : null;
      },
      { timeoutMs: 15_000, intervalMs: 200, what: "the frozen node's connections to be closed as idle" },
    );
    for (const r of idled) expect(r.closedAt! - r.openedAt).toBeGreaterThanOrEqual(3000);
    n1.thaw();
    await waitUntil(
      async () => {
        const { devices } = await c.sandbox.connections();
        return sessions.every(
          (s) => devices.find((d) => d.deviceJid === s.deviceJid)!.connections.at(-1)!.closedAt === null,
        );
      },
      { timeoutMs: 30_000, intervalMs: 200, what: 'the thawed node to log in again' },
    );
    await c.waitConnected(['s1', 's2', 's3']);
    expect((await c.sandbox.connections()).overlaps).toEqual([]);
  });
});
