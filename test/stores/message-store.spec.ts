import type { MessageEntity } from '../../src/messaging/message.entity';
import type { MessageStore } from '../../src/messaging/message.store';
import { describeEachEngine } from '../support/both-engines';
import { insertAll, messageRow, messageStoreOn } from './support/message-row';

/**
 * Medium test: MessageStore's writes (deduplication, updates, the send queue's claims) on a real SQLite file
 * and a real PostgreSQL database, from the same test bodies.
 */
describeEachEngine('MessageStore', (db) => {
  let store: MessageStore;
  beforeEach(() => {
    store = messageStoreOn(db());
  });

  const row = (seq: number) => store.repo.findOneByOrFail({ seq });
  const queue = async (n: number, overrides: Partial<MessageEntity> = {}) => {
    await insertAll(
      store,
      Array.from({ length: n }, (_, i) => messageRow({ text: `m${i}`, ...overrides })),
    );
    return (await store.repo.find({ order: { seq: 'ASC' } })).map((m) => m.seq);
  };

  describe('insert', () => {
    it('stores an incoming message once per WhatsApp id and direction', async () => {
      const incoming = (o: Partial<MessageEntity>) =>
        messageRow({ direction: 'in', status: 'received', waMessageId: 'WA1', ...o });
      expect(
        await insertAll(store, [
          incoming({}),
          incoming({}),
          incoming({ direction: 'out', status: 'sent' }),
          incoming({ sessionId: 's2' }),
          incoming({ waMessageId: null }),
          incoming({ waMessageId: null }),
        ]),
      ).toEqual([true, false, true, true, true, true]);
      expect(await store.repo.count()).toBe(5);
      const found = await store.find('s1', 'WA1');
      expect(found).toMatchObject({ direction: 'out', waMessageId: 'WA1' });
      expect(await store.write(() => store.byWaId('s1', 'WA1', 'in'))).toMatchObject({ direction: 'in' });
      expect(await store.outgoingByWaId('s1', 'WA1')).toMatchObject({ direction: 'out', fromMe: true });
      expect(await store.outgoingByWaId('s1', 'nope')).toBeNull();
    });

    it('stores a contact text carrying U+0000 (PostgreSQL keeps U+FFFD in its place; SQLite keeps it as is)', async () => {
      const m = messageRow({ direction: 'in', status: 'received', waMessageId: 'WA-NUL', text: 'a\u0000b' });
      expect(await insertAll(store, [m])).toEqual([true]);
      const stored = await store.write(() => store.byWaId('s1', 'WA-NUL', 'in'));
      expect(stored?.text).toBe(db().engine === 'postgres' ? 'a\uFFFDb' : 'a\u0000b');
    });

    it('keeps one send per Idempotency-Key and session', async () => {
      const first = messageRow({ idempotencyKey: 'key-1', text: 'first' });
      expect(
        await insertAll(store, [
          first,
          messageRow({ idempotencyKey: 'key-1', text: 'again' }),
          messageRow({ idempotencyKey: 'key-1', sessionId: 's2' }),
          messageRow({ idempotencyKey: 'key-2' }),
        ]),
      ).toEqual([true, false, true, true]);
      expect(await store.byIdempotencyKey('s1', 'key-1')).toMatchObject({ id: first.id, text: 'first' });
      expect(await store.byIdempotencyKey('s2', 'key-1')).toMatchObject({ sessionId: 's2' });
      expect(await store.byIdempotencyKey('s1', 'key-3')).toBeNull();
    });

    it('dedupes two inserts of one key asked for in the same commit', async () => {
      const results = await Promise.all([
        store.write(() => store.insert(messageRow({ idempotencyKey: 'same' }))),
        store.write(() => store.insert(messageRow({ idempotencyKey: 'same' }))),
      ]);
      expect(results).toEqual([true, false]);
      expect(await store.repo.countBy({ idempotencyKey: 'same' })).toBe(1);
    });

    it('reads every column back as it was written (booleans, nulls, numbers)', async () => {
      const written = messageRow({ fromMe: false, details: '{"a":1}', expiresAt: 1_700_000_000_123 });
      await insertAll(store, [written]);
      const read = await store.find('s1', written.id);
      expect(read).toEqual({ ...written, seq: expect.any(Number) });
    });
  });

  describe('update', () => {
    it('sets the given fields', async () => {
      const [seq] = await queue(1);
      expect(
        await store.write(() =>
          store.update(seq, { status: 'sent', sentAt: 5, waMessageId: 'W', fromMe: false }),
        ),
      ).toBe(true);
      expect(await row(seq)).toMatchObject({ status: 'sent', sentAt: 5, waMessageId: 'W', fromMe: false });
      expect(await store.write(() => store.update(seq + 100, { status: 'sent' }))).toBe(false);
    });

    it('with onlyIfStatus, changes the row only while it has that status', async () => {
      const [seq] = await queue(1);
      expect(await store.write(() => store.update(seq, { status: 'failed' }, 'sending'))).toBe(false);
      expect((await row(seq)).status).toBe('queued');
      expect(await store.write(() => store.update(seq, { status: 'sending', error: null }, 'queued'))).toBe(
        true,
      );
      expect(await store.write(() => store.update(seq, { status: 'sent', sentAt: 9 }, 'sending'))).toBe(true);
      expect(await row(seq)).toMatchObject({ status: 'sent', sentAt: 9 });
    });
  });

  describe('claims', () => {
    it('claimNext takes the oldest queued row of the session, attempts + 1', async () => {
      await queue(1, { sessionId: 'other' });
      const seqs = await queue(3, { attempts: 2 });
      const first = await store.write(() => store.claimNext('s1'));
      expect(first).toMatchObject({ seq: seqs[1], status: 'sending', attempts: 3, sessionId: 's1' });
      expect((await store.write(() => store.claimNext('s1')))!.seq).toBe(seqs[2]);
      expect((await store.write(() => store.claimNext('s1')))!.seq).toBe(seqs[3]);
      expect(await store.write(() => store.claimNext('s1'))).toBeNull();
      expect((await row(seqs[0])).status).toBe('queued');
    });

    it('claimChunk takes rows in order, up to the limit', async () => {
      const seqs = await queue(5);
      const chunk = await store.write(() => store.claimChunk('s1', 3, 1_000_000));
      expect(chunk.map((m) => m.seq)).toEqual(seqs.slice(0, 3));
      expect(chunk.every((m) => m.status === 'sending' && m.attempts === 1)).toBe(true);
      const rest = await store.write(() => store.claimChunk('s1', 3, 1_000_000));
      expect(rest.map((m) => m.seq)).toEqual(seqs.slice(3));
      expect(await store.write(() => store.claimChunk('s1', 3, 1_000_000))).toEqual([]);
    });

    it('claimChunk stops at the byte limit, but always takes the first row', async () => {
      const seqs = await queue(4, { request: 'x'.repeat(100) });
      const chunk = await store.write(() => store.claimChunk('s1', 10, 250));
      expect(chunk.map((m) => m.seq)).toEqual(seqs.slice(0, 3));
      await queue(2, { request: 'y'.repeat(100) });
      const alone = await store.write(() => store.claimChunk('s1', 10, 10));
      expect(alone.map((m) => m.seq)).toEqual([seqs[3]]);
    });

    it('two processes claiming at once never take the same row', async () => {
      const seqs = await queue(40);
      const other = messageStoreOn(await db().second());
      const claimed: number[] = [];
      const worker = async (s: MessageStore, chunked: boolean) => {
        for (;;) {
          const got = chunked
            ? await s.write(() => s.claimChunk('s1', 3, 1_000_000))
            : [await s.write(() => s.claimNext('s1'))].filter((m): m is MessageEntity => m !== null);
          claimed.push(...got.map((m) => m.seq));
          if (!got.length && (await s.repo.countBy({ status: 'queued' })) === 0) return;
        }
      };
      await Promise.all([
        worker(store, false),
        worker(other, true),
        worker(store, true),
        worker(other, false),
      ]);
      expect([...claimed].sort((a, b) => a - b)).toEqual(seqs);
      const rows = await store.repo.find();
      expect(rows.every((m) => m.status === 'sending' && m.attempts === 1)).toBe(true);
    });
  });

  it("lists a chat's unread incoming messages and marks them read once", async () => {
    const chat = '15550002222@s.whatsapp.net';
    const seqs = await queue(4, { direction: 'in', status: 'received', chatJid: chat, fromMe: false });
    await queue(1, { direction: 'out', chatJid: chat });
    const unread = async (upTo?: number) => (await store.unreadIncoming('s1', chat, upTo)).map((m) => m.seq);
    expect(await unread()).toEqual(seqs);
    expect(await unread(seqs[1])).toEqual(seqs.slice(0, 2));
    expect(await store.markReadByMe(seqs.slice(0, 2), 777)).toBe(2);
    expect(await store.markReadByMe(seqs.slice(0, 3), 999)).toBe(1);
    expect(await store.markReadByMe([], 1)).toBe(0);
    expect(await unread()).toEqual([seqs[3]]);
    expect((await row(seqs[0])).readByMeAt).toBe(777);
  });

  it('requeueInterrupted puts rows caught mid-send back in the queue', async () => {
    const seqs = await queue(3);
    await store.write(() => store.claimChunk('s1', 2, 1_000_000));
    await store.write(() => store.update(seqs[0], { status: 'sent' }, 'sending'));
    expect(await store.requeueInterrupted()).toBe(1);
    expect((await row(seqs[1])).status).toBe('queued');
    expect((await row(seqs[0])).status).toBe('sent');
    expect(await store.requeueInterrupted()).toBe(0);
  });

  it('pendingCounts counts queued and sending rows per session', async () => {
    await queue(3);
    await queue(2, { sessionId: 's2' });
    await queue(1, { sessionId: 's3', status: 'sent' });
    await store.write(() => store.claimNext('s1'));
    const counts = await store.pendingCounts();
    expect(Object.fromEntries(counts)).toEqual({ s1: 3, s2: 2 });
    expect(typeof counts.get('s1')).toBe('number');
  });

  it('expired lists queued rows whose expiry has passed, at most `limit`', async () => {
    await queue(1, { expiresAt: 1000, text: 'past-1' });
    await queue(1, { expiresAt: 1500, text: 'past-2' });
    await queue(1, { expiresAt: 3000, text: 'future' });
    await queue(1, { expiresAt: null, text: 'never' });
    await queue(1, { expiresAt: 500, status: 'sent', text: 'sent' });
    const expired = await store.expired(2000, 10);
    expect(expired.map((m) => m.text).sort()).toEqual(['past-1', 'past-2']);
    expect(await store.expired(2000, 1)).toHaveLength(1);
  });
});
