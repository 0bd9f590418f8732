import { SessionEntity } from '../../src/whatsapp/sessions/session.entity';
import { SessionStore } from '../../src/whatsapp/sessions/session.store';
import { describeEachEngine } from '../support/both-engines';

/** Medium test: the session rows (SessionStore) on a real SQLite file and a real PostgreSQL database. */
describeEachEngine('SessionStore', (db) => {
  let store: SessionStore;
  beforeEach(() => {
    store = new SessionStore(db().dataSource.getRepository(SessionEntity));
  });

  it('creates a session once, keeping what it reported when asked again', async () => {
    expect(await store.exists('s1')).toBe(false);
    await store.ensure('s1');
    await store.saveStatus('s1', 'connected', null);
    await store.ensure('s1');
    expect(await store.exists('s1')).toBe(true);
    const [row] = await store.all();
    expect(row).toMatchObject({ id: 's1', status: 'connected', reason: null, stopped: false });
    expect(typeof row.createdAt).toBe('number');
  });

  it('lists sessions oldest first', async () => {
    for (const id of ['b', 'a', 'c']) {
      await store.ensure(id);
      // created_at is in ms: the next session must not share it.
      const created = (await store.all()).find((s) => s.id === id)!.createdAt;
      while (Date.now() <= created) await new Promise((resolve) => setImmediate(resolve));
    }
    expect((await store.all()).map((s) => s.id)).toEqual(['b', 'a', 'c']);
  });

  it('saves status, identity and the stopped flag', async () => {
    await store.ensure('s1');
    await store.ensure('s2');
    await store.saveStatus('s1', 'disconnected', 'logged out');
    await store.saveIdentity('s1', {
      phone: '15550001111',
      jid: '15550001111@s.whatsapp.net',
      name: 'Ann',
      lid: '123@lid',
    });
    await store.saveStopped('s1', true);
    const byId = new Map((await store.all()).map((s) => [s.id, s]));
    expect(byId.get('s1')).toMatchObject({
      status: 'disconnected',
      reason: 'logged out',
      phone: '15550001111',
      name: 'Ann',
      lid: '123@lid',
      stopped: true,
    });
    expect(byId.get('s2')).toMatchObject({ status: 'disconnected', phone: null, stopped: false });
    await store.saveIdentity('s1', null);
    await store.saveStopped('s1', false);
    expect((await store.all())[0]).toMatchObject({ phone: null, name: null, lid: null, stopped: false });
  });

  it('removes a session', async () => {
    await store.ensure('s1');
    await store.ensure('s2');
    await store.remove('s1');
    await store.remove('nobody');
    expect((await store.all()).map((s) => s.id)).toEqual(['s2']);
  });
});
