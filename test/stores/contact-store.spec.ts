import { EventEmitter2 } from '@nestjs/event-emitter';
import { ContactDirectory } from '../../src/contacts/contact-directory';
import { ContactStore } from '../../src/contacts/contact.store';
import type { DomainEvent } from '../../src/events/domain-event';
import { EventBus } from '../../src/events/event-bus';
import type { InboundMessage } from '../../src/whatsapp/engine/engine.types';
import { describeEachEngine } from '../support/both-engines';
import { insertAll, messageRow, messageStoreOn } from './support/message-row';

/**
 * Medium test: the contact directory (ContactStore, ContactDirectory) on a real SQLite file and a real
 * PostgreSQL database: one row per person across phone-only, LID-only and mapped, each mapping told once,
 * earlier LID-only messages given the phone, and the directory's pages and search.
 */
describeEachEngine('ContactStore', (db) => {
  let store: ContactStore;
  let directory: ContactDirectory;
  const PHONE = '6281234567890';
  const LID = '200000000000001@lid';

  beforeEach(() => {
    store = new ContactStore(db().sql);
    directory = new ContactDirectory(store, new EventBus(new EventEmitter2(), db().sql));
  });

  const learn = (facts: Parameters<ContactStore['learn']>[1], session = 's1') =>
    store.write(() => store.learn(session, facts, Date.now()));
  const all = (session = 's1') => store.page(session, { limit: 100 });

  it('keeps one row per person: a LID-only and a phone-only row merge into the older once mapped', async () => {
    const byLid = await learn({ lid: LID, pushName: 'Lina' });
    expect(byLid).toMatchObject({ mapped: false, row: { phone: null, lid: LID, pushName: 'Lina' } });
    const byPhone = await learn({ phone: PHONE, name: 'Lina Kantor' });
    expect(byPhone!.row.seq).toBeGreaterThan(byLid!.row.seq);
    expect(await all()).toHaveLength(2);

    const mapped = await learn({ phone: PHONE, lid: LID });
    expect(mapped).toMatchObject({
      mapped: true,
      row: { seq: byLid!.row.seq, phone: PHONE, lid: LID, name: 'Lina Kantor', pushName: 'Lina' },
    });
    expect(await all()).toEqual([expect.objectContaining({ seq: byLid!.row.seq, phone: PHONE, lid: LID })]);

    expect(await learn({ phone: PHONE, lid: LID })).toMatchObject({ mapped: false });
    expect(await learn({ lid: LID, pushName: 'Lina B' })).toMatchObject({
      mapped: false,
      row: { phone: PHONE, pushName: 'Lina B', name: 'Lina Kantor' },
    });
  });

  it('writes nothing when nothing changed', async () => {
    const first = await learn({ phone: PHONE, pushName: 'Budi' });
    const again = await learn({ phone: PHONE, pushName: 'Budi' });
    expect(again!.row.updatedAt).toBe(first!.row.updatedAt);
    expect(await learn({})).toBeNull();
  });

  it('announces a mapping once and gives the LID-only sender’s earlier messages the phone', async () => {
    const messages = messageStoreOn(db());
    const fromLid = (sessionId = 's1') =>
      messageRow({
        sessionId,
        direction: 'in',
        fromMe: false,
        senderJid: LID,
        senderLid: LID,
        status: 'received',
      });
    await insertAll(messages, [
      fromLid(),
      fromLid(),
      fromLid('s2'),
      messageRow({ senderPhone: '6289999999999' }),
    ]);
    await learn({ lid: LID, pushName: 'Lina' });

    const events = await store.write(() => directory.learn('s1', { phone: PHONE, lid: LID }));
    expect(events).toEqual([
      expect.objectContaining({
        type: 'contact.mapped',
        session: 's1',
        data: {
          session: 's1',
          lid: LID,
          phone: PHONE,
          jid: `${PHONE}@s.whatsapp.net`,
          name: null,
          pushName: 'Lina',
          verifiedName: null,
          messagesUpdated: 2,
        },
      }),
    ]);
    const s1 = await messages.history('s1', { limit: 10 });
    expect(s1.filter((m) => m.senderLid === LID).map((m) => m.senderPhone)).toEqual([PHONE, PHONE]);
    expect((await messages.history('s2', { limit: 10 }))[0].senderPhone).toBeNull();
    expect(await store.write(() => directory.learn('s1', { phone: PHONE, lid: LID }))).toEqual([]);
  });

  it("fills an incoming message's sender from the directory, learning its push name", async () => {
    await learn({ phone: PHONE, lid: LID });
    const m = {
      fromMe: false,
      senderPhone: null,
      senderLid: LID,
      pushName: 'Lina',
    } as unknown as InboundMessage;
    const sender = await store.write(() => directory.sender('s1', m));
    expect(sender).toEqual({ phone: PHONE, lid: LID, events: [] });
    expect((await all())[0].pushName).toBe('Lina');

    // Both in the envelope: the mapping is learnt from the message itself.
    const both = { ...m, senderPhone: '6281111111111', senderLid: '200000000000009@lid' } as InboundMessage;
    const learnt = await store.write(() => directory.sender('s1', both));
    expect(learnt.events.map((e: DomainEvent) => e.type)).toEqual(['contact.mapped']);
  });

  it('pages in the order people became known, without gaps or repeats, per session; searches names, numbers, LIDs', async () => {
    for (let i = 0; i < 10; i++)
      await learn({ phone: `62812000000${String(i).padStart(2, '0')}`, pushName: `Teman ${i}` });
    await learn({ phone: '6289900000000', pushName: 'elsewhere' }, 's2');
    await learn({ lid: '200000000000777@lid', name: 'Toko 50%_Diskon' });

    const seen: number[] = [];
    let afterSeq: number | undefined;
    for (;;) {
      const page = await store.page('s1', { limit: 4, afterSeq });
      if (!page.length) break;
      seen.push(...page.map((r) => r.seq));
      afterSeq = page[page.length - 1].seq;
    }
    expect(seen).toHaveLength(11);
    expect(new Set(seen).size).toBe(11);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);

    const search = async (q: string) =>
      (await store.page('s1', { limit: 100, search: q })).map((r) => r.pushName ?? r.name);
    expect(await search('TEMAN 3')).toEqual(['Teman 3']);
    expect(await search('6281200000007')).toEqual(['Teman 7']);
    expect(await search('777@lid')).toEqual(['Toko 50%_Diskon']);
    expect(await search('50%_')).toEqual(['Toko 50%_Diskon']);
    expect(await search('%')).toEqual(['Toko 50%_Diskon']);
    expect(await search('elsewhere')).toEqual([]);
  });
});
