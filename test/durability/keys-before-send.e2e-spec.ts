import Database from 'better-sqlite3';
import path from 'node:path';
import type { BinaryNode } from '@whiskeysockets/baileys';
import { NodeRouter } from '../../src/sandbox/node-router';
import { startSandboxApp, SandboxApp } from '../support/sandbox-app';
import { waitUntil } from '../support/wait';

/**
 * The Signal keys a message's encryption writes are committed before its stanza leaves: a crash right after the
 * send must not bring back a ratchet state older than the recipient's (later messages would reuse message keys
 * the recipient already consumed). Checked where WhatsApp sees the stanza: at the moment the sandbox receives
 * it, the SQLite file (read through a second connection, as after a crash) must already hold the session
 * records as that encryption left them, i.e. as they are once everything has settled after the last send.
 */
type Sessions = Map<string, string>;

const same = (a: Sessions, b: Sessions) => a.size === b.size && [...a].every(([id, v]) => b.get(id) === v);

describe.each(['worker', 'main'])('Signal keys committed before the send (WA_ENGINE_THREAD=%s)', (mode) => {
  let t: SandboxApp;
  let db: Database.Database;
  /** The session records in the SQLite file at the moment each encrypted stanza reached the sandbox. */
  const atStanza: { id: string; sessions: Sessions }[] = [];
  const original = NodeRouter.prototype.onNode;

  beforeAll(async () => {
    t = await startSandboxApp({ WA_ENGINE_THREAD: mode });
    db = new Database(path.join(t.dir, 'app.db'), { readonly: true });
    const sessions = db.prepare(`SELECT id, value FROM auth_keys WHERE type = 'session'`);
    const read = (): Sessions =>
      new Map((sessions.all() as { id: string; value: string }[]).map((r) => [r.id, r.value]));
    const encrypted = (node: BinaryNode) =>
      Array.isArray(node.content) && node.content.some((c) => c.tag === 'participants' || c.tag === 'enc');
    // What the gateway's client sends to WhatsApp, inspected synchronously as it arrives.
    NodeRouter.prototype.onNode = function (this: NodeRouter, conn, node) {
      if (node.tag === 'message' && encrypted(node)) atStanza.push({ id: node.attrs.id, sessions: read() });
      return original.call(this, conn, node);
    };
  });
  afterAll(async () => {
    NodeRouter.prototype.onNode = original;
    db?.close();
    await t?.close();
  });

  it('each stanza finds its own encryption’s session records in the SQLite file', async () => {
    const contact = mode === 'worker' ? '6281200000420' : '6281200000421';
    const statusOf = async (id: string) =>
      (await t.get(`/api/sessions/default/messages/${id}`)).body as { status: string; waMessageId: string };
    const waIds: string[] = [];
    // One after the other: each encryption advances the ratchet from the state the previous one left.
    for (let i = 0; i < 3; i++) {
      const res = await t.post('/api/sessions/default/messages', {
        to: contact,
        type: 'text',
        text: `k ${i}`,
      });
      const view = await waitUntil(
        async () => {
          const v = await statusOf(res.body.id);
          return v.status !== 'queued' && v.status !== 'sending' ? v : null;
        },
        { timeoutMs: 30_000, what: `message ${i} sent` },
      );
      expect(['sent', 'delivered', 'read']).toContain(view.status);
      waIds.push(view.waMessageId);
    }
    const stanzas = waIds.map((id) => {
      const seen = atStanza.filter((s) => s.id === id);
      expect(seen.length).toBeGreaterThan(0);
      return seen[0].sessions;
    });
    // The first message opened the contact's session: its record was in the file as the stanza left.
    expect(stanzas[0].size).toBeGreaterThan(0);
    // Each stanza found the records its encryption wrote, not those of the message before it.
    for (let i = 1; i < stanzas.length; i++) expect(same(stanzas[i], stanzas[i - 1])).toBe(false);
    const final = new Map(
      (
        db.prepare(`SELECT id, value FROM auth_keys WHERE type = 'session'`).all() as {
          id: string;
          value: string;
        }[]
      ).map((r) => [r.id, r.value]),
    );
    expect(same(stanzas[stanzas.length - 1], final)).toBe(true);
  });
});
