import type { MessageEntity } from '../../src/messaging/message.entity';
import type { HistoryFilter, MessageStore } from '../../src/messaging/message.store';
import { describeEachEngine } from '../support/both-engines';
import { insertAll, messageRow, messageStoreOn } from './support/message-row';

/**
 * Medium test: MessageStore.history (the message list of the API) on a real SQLite file and a real PostgreSQL
 * database: pages by cursor without gaps or repeats, and each filter.
 */
describeEachEngine('MessageStore.history', (db) => {
  let store: MessageStore;
  const A = '15550001111@s.whatsapp.net';
  const B = '120363000000000001@g.us';
  const T0 = 1_700_000_000_000;

  /** 30 messages, one a second from T0, in two chats, both directions, a few statuses; plus another session's. */
  beforeEach(async () => {
    store = messageStoreOn(db());
    const rows = Array.from({ length: 30 }, (_, i) =>
      messageRow({
        text: `m${i}`,
        createdAt: T0 + i * 1000,
        chatJid: i % 3 === 0 ? B : A,
        chatType: i % 3 === 0 ? 'group' : 'direct',
        direction: i % 2 === 0 ? 'in' : 'out',
        fromMe: i % 2 !== 0,
        status: i % 2 === 0 ? 'received' : i % 4 === 1 ? 'read' : 'sent',
      }),
    );
    rows.splice(10, 0, messageRow({ sessionId: 'other', text: 'elsewhere', createdAt: T0 + 9500 }));
    await insertAll(store, rows);
  });

  /** Every page from the newest, following the cursor as the API does (the last row's seq). */
  async function allPages(filter: Omit<HistoryFilter, 'limit' | 'beforeSeq'>, limit: number) {
    const pages: MessageEntity[][] = [];
    let beforeSeq: number | undefined;
    for (;;) {
      const page = await store.history('s1', { ...filter, limit, beforeSeq });
      if (!page.length) return pages;
      pages.push(page);
      beforeSeq = page[page.length - 1].seq;
    }
  }
  const texts = (rows: MessageEntity[]) => rows.map((m) => m.text);
  const expected = (keep: (i: number) => boolean) =>
    Array.from({ length: 30 }, (_, i) => i)
      .filter(keep)
      .reverse()
      .map((i) => `m${i}`);

  it('pages newest first by cursor, without gaps or repeats', async () => {
    const pages = await allPages({}, 7);
    expect(pages.map((p) => p.length)).toEqual([7, 7, 7, 7, 2]);
    const seqs = pages.flat().map((m) => m.seq);
    expect(new Set(seqs).size).toBe(30);
    expect([...seqs].sort((a, b) => b - a)).toEqual(seqs);
    expect(texts(pages.flat())).toEqual(expected(() => true));
  });

  it('filters by chat', async () => {
    expect(texts((await allPages({ chat: B }, 4)).flat())).toEqual(expected((i) => i % 3 === 0));
  });

  it('filters by direction and by status', async () => {
    expect(texts((await allPages({ direction: 'in' }, 5)).flat())).toEqual(expected((i) => i % 2 === 0));
    expect(texts((await allPages({ status: 'read' }, 3)).flat())).toEqual(expected((i) => i % 4 === 1));
    expect(texts((await allPages({ direction: 'out', chat: A, status: 'sent' }, 2)).flat())).toEqual(
      expected((i) => i % 2 === 1 && i % 4 !== 1 && i % 3 !== 0),
    );
  });

  it('filters by time window: since inclusive, until exclusive', async () => {
    const window = { since: T0 + 5000, until: T0 + 12_000 };
    expect(texts((await allPages(window, 3)).flat())).toEqual(expected((i) => i >= 5 && i < 12));
    expect(texts((await allPages({ since: T0 + 25_500 }, 10)).flat())).toEqual(expected((i) => i >= 26));
    expect(texts((await allPages({ until: T0 + 2000 }, 10)).flat())).toEqual(['m1', 'm0']);
    expect(await store.history('s1', { since: T0 + 60_000, limit: 10 })).toEqual([]);
    expect(await store.history('s1', { until: T0, limit: 10 })).toEqual([]);
  });

  it('combines a window, a filter and the cursor', async () => {
    const pages = await allPages({ since: T0 + 3000, until: T0 + 27_000, direction: 'out' }, 4);
    expect(texts(pages.flat())).toEqual(expected((i) => i >= 3 && i < 27 && i % 2 === 1));
  });

  it('never shows another session', async () => {
    const other = await store.history('other', { limit: 50 });
    expect(texts(other)).toEqual(['elsewhere']);
    expect(texts(await store.history('nobody', { limit: 50 }))).toEqual([]);
  });
});
