import Database from 'better-sqlite3';
import path from 'node:path';
import type { BinaryNode } from '@whiskeysockets/baileys';
import { NodeRouter } from '../../src/sandbox/node-router';
import { startSandboxApp, SandboxApp } from '../support/sandbox-app';
import { waitUntil } from '../support/wait';

/**
 * The gateway acknowledges an incoming message (its receipt) and a receipt (its ack) to WhatsApp only after
 * what it stores of them is committed: WhatsApp forgets what was acknowledged, so an ack sent earlier would let
 * a crash lose it. Checked where WhatsApp sees the ack: at the moment the sandbox receives it, the row must
 * already be in the SQLite file (read through a second connection, as another process would).
 */
type Seen = { node: BinaryNode; problem: string | null };

const problems = (seen: Seen[]) =>
  seen.filter((s) => s.problem).map((s) => `${s.node.attrs.id}: ${s.problem}`);

const RANK: Record<string, number> = { sent: 2, delivered: 3, read: 4, played: 5 };

describe.each(['worker', 'main'])('acks wait for the commit (WA_ENGINE_THREAD=%s)', (mode) => {
  let t: SandboxApp;
  let db: Database.Database;
  const seen: Seen[] = [];
  const original = NodeRouter.prototype.onNode;

  beforeAll(async () => {
    t = await startSandboxApp({ WA_ENGINE_THREAD: mode });
    db = new Database(path.join(t.dir, 'app.db'), { readonly: true });
    const byWaId = db.prepare('SELECT direction, status FROM messages WHERE wa_message_id = ?');
    // What the gateway's client sends to WhatsApp, inspected synchronously as it arrives.
    NodeRouter.prototype.onNode = function (this: NodeRouter, conn, node) {
      if (node.tag === 'receipt' && (!node.attrs.type || node.attrs.type === 'inactive')) {
        // the delivery receipt of a contact's message (`inactive` while the account shows no presence): stored
        const row = byWaId.get(node.attrs.id) as { direction: string } | undefined;
        seen.push({
          node,
          problem: row?.direction === 'in' ? null : 'receipt before the message was stored',
        });
      }
      if (node.tag === 'ack' && node.attrs.class === 'receipt') {
        // the ack of a delivery or read receipt for a message we sent: the status is stored
        const row = byWaId.get(node.attrs.id) as { status: string } | undefined;
        const wanted = node.attrs.type === 'read' ? RANK.read : RANK.delivered;
        const ok = row && (RANK[row.status] ?? 0) >= wanted;
        seen.push({ node, problem: ok ? null : `ack before the status was stored (${row?.status})` });
      }
      return original.call(this, conn, node);
    };
  });
  afterAll(async () => {
    NodeRouter.prototype.onNode = original;
    db?.close();
    await t?.close();
  });

  it("a burst of contacts' messages: each receipt reaches WhatsApp after its message is committed", async () => {
    const contacts = ['6281200000301', '6281200000302', '6281200000303'];
    const sent = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        t.sandbox.contactSend(contacts[i % 3], t.account, { text: `burst ${i}` }),
      ),
    );
    const ids = new Set(sent.map((s) => s.id));
    const receipts = await waitUntil(
      () => {
        const r = seen.filter((s) => s.node.tag === 'receipt' && ids.has(s.node.attrs.id));
        return new Set(r.map((s) => s.node.attrs.id)).size === ids.size ? r : null;
      },
      { timeoutMs: 40_000, what: 'a receipt for every message' },
    );
    expect(problems(receipts)).toEqual([]);
    const stored = await t.get('/api/sessions/default/messages?direction=in&limit=100');
    const storedIds = stored.body.items.map((m: { waMessageId: string }) => m.waMessageId);
    expect(storedIds.filter((id: string) => ids.has(id)).sort()).toEqual([...ids].sort());
  });

  it('delivery and read receipts of messages the gateway sent are acked after the status is committed', async () => {
    const contact = '6281200000310';
    const accepted = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        t.post('/api/sessions/default/messages', { to: contact, type: 'text', text: `out ${i}` }),
      ),
    );
    const ours = accepted.map((r) => r.body.id as string);
    const waIds = await waitUntil(
      async () => {
        const views = await Promise.all(ours.map((id) => t.get(`/api/sessions/default/messages/${id}`)));
        return views.every((v) => v.body.status === 'read') ? views.map((v) => v.body.waMessageId) : null;
      },
      { timeoutMs: 30_000, what: 'every message read' },
    );
    const acks = await waitUntil(
      () => {
        const a = seen.filter(
          (s) => s.node.tag === 'ack' && s.node.attrs.class === 'receipt' && waIds.includes(s.node.attrs.id),
        );
        return a.filter((s) => s.node.attrs.type === 'read').length >= waIds.length ? a : null;
      },
      { what: 'the read receipts acked' },
    );
    expect(problems(acks)).toEqual([]);
  });
});
