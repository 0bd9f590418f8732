import { startSandboxApp, SandboxApp } from '../support/sandbox-app';
import { waitUntil } from '../support/wait';

const DEADLINE = { timeoutMs: 20_000 };
const jid = (phone: string) => `${phone}@s.whatsapp.net`;

/**
 * The chat list and a chat's messages, end to end: simulated contacts write to the linked account through the
 * sandbox (real Baileys decrypts them), the gateway sends through the REST API, and the lists are read back
 * through the REST API.
 */
describe('chats: the chat list and a chat’s messages (sandbox, real Baileys)', () => {
  let t: SandboxApp;
  /** Messages of a chat in the history (both directions). */
  const stored = async (phone: string) =>
    (await t.get(`/api/sessions/default/messages?chat=${phone}&limit=500`)).body.items as any[];

  /** A contact writes; resolves once the gateway has stored it (so the next step comes after it). */
  async function contactWrites(phone: string, text: string, pushName?: string) {
    const before = (await stored(phone)).length;
    const { id } = await t.sandbox.contactSend(phone, t.account, { text }, { pushName });
    await waitUntil(async () => (await stored(phone)).length > before, {
      ...DEADLINE,
      what: `"${text}" from ${phone} stored`,
    });
    return id;
  }
  /** The gateway sends (the row is in the history once the API answers). */
  async function gatewaySends(phone: string, text: string) {
    const res = await t.post('/api/sessions/default/messages', { to: phone, type: 'text', text });
    expect(res.status).toBe(202);
    return res.body.id as string;
  }
  const chats = async (query = '') => {
    const res = await t.get(`/api/sessions/default/chats${query}`);
    expect(res.status).toBe(200);
    return res.body as { items: any[]; nextCursor: string | null };
  };

  beforeAll(async () => {
    t = await startSandboxApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  const A = '6281100000401';
  const B = '6281100000402';
  const C = '6281100000403';
  const D = '6281100000404';

  it('orders chats by last activity, with the last message, name and unread count', async () => {
    await contactWrites(A, 'halo dari Ana', 'Ana');
    await contactWrites(B, 'pesan dari Budi', 'Budi');
    await gatewaySends(C, 'promo untuk C');
    await contactWrites(A, 'Ana lagi');
    const sentToB = await gatewaySends(B, 'balasan untuk Budi');

    const page = await chats();
    expect(page.nextCursor).toBeNull();
    expect(page.items.map((c) => c.chat)).toEqual([jid(B), jid(A), jid(C)]);
    expect(
      page.items.map((c) => [c.name, c.unreadCount, c.lastMessage.direction, c.lastMessage.preview]),
    ).toEqual([
      ['Budi', 1, 'out', 'balasan untuk Budi'],
      ['Ana', 2, 'in', 'Ana lagi'],
      [null, 0, 'out', 'promo untuk C'],
    ]);
    expect(page.items[0]).toMatchObject({
      chatType: 'direct',
      lastMessage: { id: sentToB, fromMe: true, type: 'text' },
      archived: null,
      pinned: null,
      muted: null,
    });
    const times = page.items.map((c) => Date.parse(c.lastActivityAt));
    expect([...times].sort((x, y) => y - x)).toEqual(times);
    // The outgoing message's status moves on in the list as it does in the history.
    await waitUntil(async () => (await chats()).items[0].lastMessage.status === 'read', {
      ...DEADLINE,
      what: 'the last message to B read in the list',
    });
  });

  it('pages without gaps or repeats, also when messages arrive between pages', async () => {
    const walk = async (between?: (page: number) => Promise<void>) => {
      const pages: any[][] = [];
      let cursor: string | null = null;
      for (let i = 0; ; i++) {
        const page = await chats(`?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
        pages.push(page.items);
        if (!page.nextCursor) return pages;
        cursor = page.nextCursor;
        await between?.(i);
      }
    };
    expect((await walk()).map((p) => p.map((c) => c.chat))).toEqual([[jid(B)], [jid(A)], [jid(C)]]);

    // After the first page, C (still to come in this walk) writes, and D (a new chat) writes.
    const pages = await walk(async (i) => {
      if (i !== 0) return;
      await contactWrites(C, 'C membalas');
      await contactWrites(D, 'halo, saya D');
    });
    // The walk keeps its order: each chat once, none skipped; C's row shows its new message.
    expect(pages.map((p) => p.map((c) => c.chat))).toEqual([[jid(B)], [jid(A)], [jid(C)]]);
    expect(pages[2][0]).toMatchObject({
      unreadCount: 1,
      lastMessage: { direction: 'in', preview: 'C membalas' },
    });
    // A new walk shows the new order.
    expect((await chats()).items.map((c) => c.chat)).toEqual([jid(D), jid(C), jid(B), jid(A)]);
  });

  it('counts unread down when the chat is marked read; unread=true lists chats with unread messages', async () => {
    const unread = async () => (await chats('?unread=true')).items.map((c) => [c.chat, c.unreadCount]);
    expect(await unread()).toEqual([
      [jid(D), 1],
      [jid(C), 1],
      [jid(B), 1],
      [jid(A), 2],
    ]);
    const marked = await t.post(`/api/sessions/default/chats/${A}/read`);
    expect(marked.body.count).toBe(2);
    expect((await chats()).items.find((c) => c.chat === jid(A)).unreadCount).toBe(0);
    expect(await unread()).toEqual([
      [jid(D), 1],
      [jid(C), 1],
      [jid(B), 1],
    ]);
  });

  it("pages a chat's messages newest first, with the history's cursor", async () => {
    const E = '6281100000405';
    const expected: string[] = [];
    for (let i = 0; i < 5; i++) {
      await contactWrites(E, `E ${i}`);
      expected.push(`E ${i}`);
      if (i % 2 === 1) {
        await gatewaySends(E, `to E ${i}`);
        expected.push(`to E ${i}`);
      }
    }
    const pages: any[][] = [];
    let cursor: string | null = null;
    do {
      const res = await t.get(
        `/api/sessions/default/chats/${jid(E)}/messages?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(res.status).toBe(200);
      pages.push(res.body.items);
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
    const all = pages.flat();
    expect(all.map((m) => m.text)).toEqual([...expected].reverse());
    expect(new Set(all.map((m) => m.id)).size).toBe(7);
    expect(all.every((m) => m.chat === jid(E))).toBe(true);
    // Filters of the history apply too.
    const incoming = await t.get(`/api/sessions/default/chats/${E}/messages?direction=in`);
    expect(incoming.body.items.map((m: any) => m.text)).toEqual(['E 4', 'E 3', 'E 2', 'E 1', 'E 0']);
    // A chat with nothing stored has an empty page.
    const empty = await t.get(`/api/sessions/default/chats/6281100000499/messages`);
    expect(empty.body).toEqual({ items: [], nextCursor: null });
  });

  it("shows archived, pinned, muted and the chat's name from WhatsApp's history sync", async () => {
    // The account's phone keeps F archived, pinned and muted for an hour, under a name; G plain. A device linked
    // now (a second session on the same account) gets that in its history bootstrap.
    const F = '6281100000406';
    const G = '6281100000407';
    const mutedUntil = Date.now() + 3_600_000;
    t.sandbox.setPhoneChat(t.account, jid(F), {
      archived: true,
      pinned: Math.floor(Date.now() / 1000),
      muteEndTime: mutedUntil,
      name: 'Toko Fajar',
    });
    t.sandbox.setPhoneChat(t.account, jid(G), { archived: false });
    expect((await t.post('/api/sessions', { id: 'second' })).status).toBe(201);
    await waitUntil(
      async () => (await t.post('/api/sandbox/sessions/second/scan', { phone: t.account })).status === 200,
      { ...DEADLINE, intervalMs: 200, what: 'the second session linked to the same account' },
    );
    await t.waitForStatus('second', 'connected');
    // Both linked devices get the contacts' messages; the chats are listed once they have one.
    await t.sandbox.contactSend(F, t.account, { text: 'dari F' });
    await t.sandbox.contactSend(G, t.account, { text: 'dari G' });
    const list = await waitUntil(
      async () => {
        const res = await t.get('/api/sessions/second/chats');
        const f = res.body.items?.find((c: any) => c.chat === jid(F));
        return res.body.items?.length === 2 && f?.archived ? res.body.items : null;
      },
      { ...DEADLINE, what: "F and G listed in the second session, with F's state from the sync" },
    );
    const byChat = Object.fromEntries(list.map((c: any) => [c.chat, c]));
    expect(byChat[jid(F)]).toMatchObject({
      name: 'Toko Fajar',
      archived: true,
      pinned: true,
      muted: true,
      mutedUntil: new Date(mutedUntil).toISOString(),
    });
    expect(byChat[jid(G)]).toMatchObject({ archived: false, pinned: false, muted: false, mutedUntil: null });
    // The first session linked before the phone kept those settings: it knows nothing about them.
    const first = (await chats()).items.find((c) => c.chat === jid(F));
    expect(first).toMatchObject({ archived: null, pinned: null, muted: null });
  });

  it('answers 4xx for a bad chat id, cursor, filter or session', async () => {
    const cases: [string, number, string][] = [
      ['/api/sessions/default/chats/not-a-chat/messages', 400, 'Invalid recipient'],
      ['/api/sessions/default/chats/123@example.com/messages', 400, 'Invalid recipient'],
      ['/api/sessions/default/chats?cursor=bm9wZQ', 400, 'Invalid cursor'],
      ['/api/sessions/default/chats?cursor=a%20b', 400, 'Validation failed'],
      ['/api/sessions/default/chats?limit=0', 400, 'Validation failed'],
      ['/api/sessions/default/chats?unread=yes', 400, 'Validation failed'],
      [`/api/sessions/default/chats/${A}/messages?cursor=bm9wZQ`, 400, 'Invalid cursor'],
      ['/api/sessions/nope/chats', 404, 'Session not found'],
      [`/api/sessions/nope/chats/${A}/messages`, 404, 'Session not found'],
    ];
    for (const [path, status, error] of cases) {
      const res = await t.get(path);
      expect([path, res.status, res.body.error]).toEqual([path, status, error]);
      expect(res.body.details).toBeDefined();
    }
    const unauthorised = await t.http().get('/api/sessions/default/chats');
    expect(unauthorised.status).toBe(401);
  });
});
