import { ChatRow, ChatStore, ChatWalk } from '../../src/chats/chat.store';
import { CHATS_SQL } from '../../src/database/migrations/1764000012000-Chats';
import type { MessageEntity } from '../../src/messaging/message.entity';
import type { MessageStore } from '../../src/messaging/message.store';
import { describeEachEngine } from '../support/both-engines';
import { insertAll, messageRow, messageStoreOn } from './support/message-row';

/**
 * Medium test: the `chats` table its triggers keep from `messages`, and ChatStore's pages over it, on a real
 * SQLite file and a real PostgreSQL database.
 */
describeEachEngine('ChatStore', (db) => {
  let messages: MessageStore;
  let chats: ChatStore;
  const jid = (n: number) => `1555000${String(n).padStart(4, '0')}@s.whatsapp.net`;

  beforeEach(() => {
    messages = messageStoreOn(db());
    chats = new ChatStore(db().sql);
  });

  /** An incoming (unread) or outgoing text in chat n. */
  const msg = (n: number, dir: 'in' | 'out', text: string, more: Partial<MessageEntity> = {}) =>
    messageRow({
      chatJid: jid(n),
      direction: dir,
      fromMe: dir === 'out',
      status: dir === 'in' ? 'received' : 'sent',
      text,
      ...more,
    });

  async function walk(limit: number, between?: (page: number) => Promise<void>, unread = false) {
    const pages: ChatRow[][] = [];
    let at: ChatWalk | null = null;
    for (let i = 0; ; i++) {
      const page = await chats.page('s1', at, limit, unread);
      pages.push(page.rows);
      if (!page.next) return pages;
      at = page.next;
      await between?.(i);
    }
  }
  const names = (rows: ChatRow[]) => rows.map((r) => r.chatJid);

  it('lists chats by their newest message, with the last message, unread count and name', async () => {
    await insertAll(messages, [
      msg(1, 'in', 'one', { pushName: 'Ana' }),
      msg(2, 'in', 'two'),
      msg(1, 'out', 'reply to one'),
      msg(3, 'in', 'three'),
      msg(2, 'in', 'two again'),
      messageRow({ sessionId: 'other', chatJid: jid(9) }),
      messageRow({ chatJid: 'status@broadcast', chatType: 'broadcast', direction: 'in' }),
    ]);
    const [page] = await walk(10);
    expect(names(page)).toEqual([jid(2), jid(3), jid(1)]);
    expect(page.map((r) => r.last.text)).toEqual(['two again', 'three', 'reply to one']);
    expect(page.map((r) => r.unreadCount)).toEqual([2, 1, 1]);
    expect(page[2]).toMatchObject({
      pushName: 'Ana',
      last: { direction: 'out', fromMe: true, status: 'sent' },
    });
    expect(page[0]).toMatchObject({ archived: null, pinned: null, mutedUntil: null, name: null });
  });

  it('pages without gaps or repeats, keeping the walk order while messages arrive', async () => {
    await insertAll(
      messages,
      Array.from({ length: 10 }, (_, i) => msg(i, 'in', `m${i}`)),
    );
    // Order: 9, 8, ..., 0. Pages of 3.
    expect((await walk(3)).map(names)).toEqual([
      [jid(9), jid(8), jid(7)],
      [jid(6), jid(5), jid(4)],
      [jid(3), jid(2), jid(1)],
      [jid(0)],
    ]);
    const pages = await walk(3, async (page) => {
      if (page === 0) {
        // After the first page: a message in a chat shown already, one in a chat still to come, a new chat.
        await insertAll(messages, [msg(8, 'in', 'again 8'), msg(2, 'in', 'again 2'), msg(50, 'in', 'new')]);
      }
    });
    expect(pages.map(names)).toEqual([
      [jid(9), jid(8), jid(7)],
      [jid(6), jid(5), jid(4)],
      [jid(3), jid(2), jid(1)],
      [jid(0)],
    ]);
    // Rows show what is current; a new walk has the new order.
    expect(pages[2][1]).toMatchObject({ unreadCount: 2, last: { text: 'again 2' } });
    expect(names((await walk(3))[0])).toEqual([jid(50), jid(2), jid(8)]);
  });

  it('counts unread down when marked read, and lists only unread chats on demand', async () => {
    await insertAll(messages, [msg(1, 'in', 'a'), msg(1, 'in', 'b'), msg(2, 'in', 'c'), msg(3, 'out', 'd')]);
    expect(names((await walk(10, undefined, true)).flat())).toEqual([jid(2), jid(1)]);
    const unread = await messages.unreadIncoming('s1', jid(1));
    await messages.markReadByMe([unread[0].seq], Date.now());
    expect((await walk(10)).flat().find((r) => r.chatJid === jid(1))!.unreadCount).toBe(1);
    await messages.markReadByMe(
      unread.map((r) => r.seq),
      Date.now(),
    );
    expect((await walk(10)).flat().map((r) => r.unreadCount)).toEqual([0, 1, 0]);
    expect(names((await walk(10, undefined, true)).flat())).toEqual([jid(2)]);
  });

  it("keeps WhatsApp's sync state; a chat known only from sync is listed once it has a message", async () => {
    await insertAll(messages, [msg(1, 'in', 'a')]);
    await chats.sync(
      's1',
      [
        { chatJid: jid(1), archived: true, pinned: false, mutedUntil: -1, name: 'Shop' },
        { chatJid: jid(2), pinned: true },
      ],
      Date.now(),
    );
    expect(names((await walk(10)).flat())).toEqual([jid(1)]);
    await chats.sync('s1', [{ chatJid: jid(1), archived: false }], Date.now());
    await insertAll(messages, [msg(2, 'out', 'b')]);
    const rows = (await walk(10)).flat();
    expect(rows.map((r) => [r.chatJid, r.archived, r.pinned, r.mutedUntil, r.name])).toEqual([
      [jid(2), null, true, null, null],
      [jid(1), false, false, -1, 'Shop'],
    ]);
  });

  it('follows deletes and moves of messages, and equals a rebuild from the messages', async () => {
    await insertAll(messages, [msg(1, 'in', 'a'), msg(2, 'in', 'b'), msg(1, 'in', 'c'), msg(2, 'out', 'd')]);
    const { dataSource } = db();
    const q = (sql: string) => dataSource.query(sql);
    await q(`DELETE FROM messages WHERE text = 'd'`);
    expect(names((await walk(10)).flat())).toEqual([jid(1), jid(2)]);
    expect((await walk(10)).flat()[1]).toMatchObject({ unreadCount: 1, last: { text: 'b' } });
    await q(`UPDATE messages SET chat_jid = '${jid(2)}' WHERE text = 'c'`);
    const moved = (await walk(10)).flat();
    expect(moved.map((r) => [r.chatJid, r.unreadCount, r.last.text])).toEqual([
      [jid(2), 2, 'c'],
      [jid(1), 1, 'a'],
    ]);
    const columns = 'session_id, chat_jid, last_seq, last_at, unread_count, push_name';
    const before = await q(`SELECT ${columns} FROM chats ORDER BY chat_jid`);
    await q('DELETE FROM chats');
    await q(CHATS_SQL.backfill);
    expect(await q(`SELECT ${columns} FROM chats ORDER BY chat_jid`)).toEqual(before);
  });
});
