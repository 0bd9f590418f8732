import type { ConnectionOverlap } from '../../src/sandbox/connection-log';
import { WhatsAppSandbox } from '../../src/sandbox/whatsapp-sandbox';
import { BaileysTestClient } from '../support/baileys-test-client';
import { waitUntil } from '../support/wait';

/** Closes 440 "conflict replaced" map to in Baileys, and a server-closed socket (DisconnectReason). */
const CONNECTION_REPLACED = 440;
const CONNECTION_CLOSED = 428;

/**
 * The sandbox's record of logged-in connections: what a cluster test reads to prove a session never ran on two
 * gateway nodes at once, and the server-side idle timeout that ends a silent (frozen) client's connection.
 */
describe('sandbox connection records', () => {
  describe('without an idle timeout', () => {
    let sandbox: WhatsAppSandbox;
    const clients: BaileysTestClient[] = [];
    beforeAll(async () => {
      sandbox = await WhatsAppSandbox.start({ port: 0, receipts: false });
    });
    afterAll(async () => {
      for (const c of clients) await c.end();
      await sandbox.stop();
    });

    it('records each login, its close and why, and a second login of a connected device as an overlap', async () => {
      const first = new BaileysTestClient(sandbox);
      clients.push(first);
      const { deviceJid, phone } = await first.link();
      const overlapEvents: ConnectionOverlap[] = [];
      sandbox.events.on('overlap', (o: ConnectionOverlap) => overlapEvents.push(o));

      // Linking logs in twice: before the 515 restart (the registration connection is not a login) and after.
      let device = sandbox.connections().devices.find((d) => d.deviceJid === deviceJid)!;
      expect(device.phone).toBe(phone);
      expect(device.connections).toHaveLength(1);
      expect(device.connections[0]).toMatchObject({ closedAt: null, reason: null });
      expect(sandbox.connections().overlaps).toEqual([]);

      // The same creds on a second socket while the first is still open: WhatsApp (and the sandbox) kick the first.
      const second = new BaileysTestClient(sandbox, { serializedAuth: first.auth.serialize() });
      clients.push(second);
      const firstClosed = first.waitForClose();
      second.connect();
      await second.waitForOpen();
      expect(await firstClosed).toBe(CONNECTION_REPLACED);

      const view = sandbox.connections();
      device = view.devices.find((d) => d.deviceJid === deviceJid)!;
      expect(device.connections).toHaveLength(2);
      const [replaced, current] = device.connections;
      expect(replaced.reason).toBe('replaced');
      expect(replaced.closedAt).toBeGreaterThanOrEqual(current.openedAt);
      expect(current).toMatchObject({ closedAt: null, reason: null });
      expect(view.overlaps).toEqual([{ deviceJid, at: current.openedAt }]);
      expect(overlapEvents).toEqual(view.overlaps);

      // A client that ends its socket: closed by the client, and a later login is no overlap.
      await second.end();
      await waitUntil(() => sandbox.connections().devices[0].connections[1].closedAt !== null, {
        what: 'the close to be recorded',
      });
      expect(sandbox.connections().devices[0].connections[1].reason).toBe('closed by client');
      second.connect();
      await second.waitForOpen();
      const after = sandbox.connections();
      expect(after.devices[0].connections).toHaveLength(3);
      expect(after.overlaps).toHaveLength(1);
    });
  });

  describe('with an idle timeout', () => {
    const IDLE_MS = 1500;
    let sandbox: WhatsAppSandbox;
    const clients: BaileysTestClient[] = [];
    beforeAll(async () => {
      sandbox = await WhatsAppSandbox.start({ port: 0, receipts: false, idleTimeoutMs: IDLE_MS });
    });
    afterAll(async () => {
      for (const c of clients) await c.end();
      await sandbox.stop();
    });

    it('closes a silent client as idle, twice over, while a pinging client keeps its one connection', async () => {
      // Baileys pings every keepAliveIntervalMs: 300 ms keeps a client well inside the idle window, 60 s does not.
      const live = new BaileysTestClient(sandbox, { keepAliveIntervalMs: 300 });
      const silent = new BaileysTestClient(sandbox, { keepAliveIntervalMs: 60_000 });
      clients.push(live, silent);
      const [liveDevice, silentDevice] = [await live.link(), await silent.link()];

      expect(await silent.waitForClose(IDLE_MS * 4)).toBe(CONNECTION_CLOSED);
      silent.connect();
      await silent.waitForOpen();
      expect(await silent.waitForClose(IDLE_MS * 4)).toBe(CONNECTION_CLOSED);

      const view = sandbox.connections();
      const records = (jid: string) => view.devices.find((d) => d.deviceJid === jid)!.connections;
      const silentRecords = records(silentDevice.deviceJid);
      expect(silentRecords.map((c) => c.reason)).toEqual(['idle', 'idle']);
      for (const c of silentRecords) expect(c.closedAt! - c.openedAt).toBeGreaterThanOrEqual(IDLE_MS);
      // The live client was logged in before the silent one and outlived two idle windows of it.
      const [liveRecord] = records(liveDevice.deviceJid);
      expect(records(liveDevice.deviceJid)).toHaveLength(1);
      expect(liveRecord).toMatchObject({ closedAt: null, reason: null });
      expect(Date.now() - liveRecord.openedAt).toBeGreaterThan(2 * IDLE_MS);
      expect(sandbox.isConnected(liveDevice.phone)).toBe(true);
      expect(view.overlaps).toEqual([]);
    });
  });
});
