import { all, run, SqlDatabase } from '../../src/database/sql/sql';
import { AttemptOutcome, ClaimedDelivery, DeliveryStore } from '../../src/webhooks/delivery.store';
import { OutboxWriter } from '../../src/webhooks/outbox.writer';
import { describeEachEngine } from '../support/both-engines';
import {
  addEndpoint,
  count,
  deliveries,
  eventIds,
  messageEvent,
  webhookSettings,
} from './support/webhook-rows';

/**
 * Medium test: the delivery worker's statements (DeliveryStore) on a real SQLite file and a real PostgreSQL
 * database: leases, the owner compare-and-swap, and two workers on one database never taking the same row.
 */
describeEachEngine('DeliveryStore', (db) => {
  const store = new DeliveryStore();
  const LEASE = 30_000;
  let now: number;
  let sql: SqlDatabase;

  /** Events whose deliveries (one per enabled endpoint) are due at `now`. */
  async function enqueue(events: number): Promise<string[]> {
    const outbox = new OutboxWriter(webhookSettings('0,5'), sql);
    const ids: string[] = [];
    for (let i = 0; i < events; i++) ids.push(...(await sql.write(() => outbox.write(messageEvent()))));
    await sql.write(() => run('UPDATE webhook_deliveries SET next_attempt_at = ?', [now]));
    return ids;
  }
  const claim = (owner: string, at: number, limit = 10, endpoint = 'ep_a', s = sql) =>
    s.write(() => store.claim(endpoint, owner, at, at + LEASE, limit));
  const outcome = (o: Partial<AttemptOutcome> = {}): AttemptOutcome => ({
    startedAt: now,
    durationMs: 12,
    statusCode: 200,
    response: 'ok',
    error: null,
    success: true,
    retryAt: null,
    ...o,
  });
  const complete = (d: ClaimedDelivery, owner: string, o: AttemptOutcome, at = now) =>
    sql.write(() => store.complete(d, owner, o, at));
  const failingSince = async (id: string) => (await sql.read(() => store.endpoint(id)))!.failing_since;

  beforeEach(async () => {
    sql = db().sql;
    now = 1_800_000_000_000;
    await addEndpoint(sql, 'ep_a');
  });

  it('lists the enabled endpoints with due deliveries', async () => {
    await addEndpoint(sql, 'ep_b');
    await addEndpoint(sql, 'ep_later');
    await addEndpoint(sql, 'ep_off', { enabled: false });
    await enqueue(1);
    await sql.write(() =>
      run(`UPDATE webhook_deliveries SET next_attempt_at = ? WHERE endpoint_id = 'ep_later'`, [now + 1]),
    );
    expect((await sql.read(() => store.dueEndpoints(now))).sort()).toEqual(['ep_a', 'ep_b']);
    expect(await sql.read(() => store.nextDueAt())).toBe(now);
    await claim('w1', now, 10, 'ep_a');
    await claim('w1', now, 10, 'ep_b');
    // Leased: due again when the lease runs out.
    expect(await sql.read(() => store.dueEndpoints(now))).toEqual([]);
    expect(await sql.read(() => store.nextDueAt())).toBe(now + 1);
    expect((await sql.read(() => store.dueEndpoints(now + LEASE))).sort()).toEqual([
      'ep_a',
      'ep_b',
      'ep_later',
    ]);
  });

  it('claims due deliveries in order with a lease; a live lease is not claimable, a lease that ran out is', async () => {
    const ids = await enqueue(3);
    const first = await claim('w1', now, 2);
    expect(first.map((d) => d.id)).toEqual(ids.slice(0, 2));
    expect(first[0]).toEqual({
      id: ids[0],
      eventId: expect.stringMatching(/^evt_/),
      endpointId: 'ep_a',
      attempts: 0,
      runAttempts: 0,
      runLimit: null,
    });
    const rows = await deliveries(sql);
    expect(rows[0]).toMatchObject({ status: 'delivering', leaseOwner: 'w1', nextAttemptAt: now + LEASE });
    expect((await claim('w2', now + LEASE - 1)).map((d) => d.id)).toEqual([ids[2]]);
    expect(await claim('w3', now + LEASE - 1)).toEqual([]);
    expect((await claim('w3', now + LEASE)).map((d) => d.id)).toEqual(ids.slice(0, 2));
    expect((await deliveries(sql))[0].leaseOwner).toBe('w3');
  });

  it('completes only for the lease owner: a worker whose lease was taken over gets false', async () => {
    await enqueue(1);
    const [taken] = await claim('w1', now);
    const [again] = await claim('w2', now + LEASE);
    expect(await complete(taken, 'w1', outcome())).toBe(false);
    expect((await deliveries(sql))[0]).toMatchObject({ status: 'delivering', leaseOwner: 'w2' });
    expect(await complete(again, 'w2', outcome(), now + LEASE + 5)).toBe(true);
    expect((await deliveries(sql))[0]).toMatchObject({
      status: 'delivered',
      leaseOwner: null,
      attempts: 1,
      deliveredAt: now + LEASE + 5,
    });
    // Both attempts are logged.
    const attempts = await sql.read(() =>
      all<{ attempt: number; success: boolean | number }>(
        'SELECT attempt, success FROM webhook_attempts ORDER BY seq',
      ),
    );
    expect(attempts.map((a) => [a.attempt, Boolean(a.success)])).toEqual([
      [1, true],
      [1, true],
    ]);
    expect(await complete(again, 'w2', outcome())).toBe(false);
  });

  it('schedules a retry or fails the delivery, and tracks the endpoint failing streak', async () => {
    await enqueue(2);
    const [a, b] = await claim('w1', now);
    const failure = { success: false, statusCode: 500, error: 'HTTP 500', startedAt: now + 1 };
    expect(await complete(a, 'w1', outcome({ ...failure, retryAt: now + 5000 }))).toBe(true);
    expect(await failingSince('ep_a')).toBe(now + 1);
    expect(await complete(b, 'w1', outcome({ ...failure, retryAt: null, startedAt: now + 2 }))).toBe(true);
    expect(await failingSince('ep_a')).toBe(now + 1);
    const rows = await deliveries(sql);
    expect(rows.map((r) => [r.status, r.nextAttemptAt, r.attempts])).toEqual([
      ['pending', now + 5000, 1],
      ['failed', now, 1],
    ]);
    const [retry] = await claim('w1', now + 5000);
    expect(retry).toMatchObject({ id: a.id, attempts: 1, runAttempts: 1 });
    expect(await complete(retry, 'w1', outcome())).toBe(true);
    expect(await failingSince('ep_a')).toBeNull();
  });

  it('disables an endpoint once; its deliveries are no longer due', async () => {
    await enqueue(1);
    expect(await sql.write(() => store.disable('ep_a', 'failing', now))).toBe(true);
    expect(await sql.write(() => store.disable('ep_a', 'gone', now))).toBe(false);
    const endpoint = (await sql.read(() => store.endpoint('ep_a')))!;
    expect(Boolean(endpoint.enabled)).toBe(false);
    expect(await sql.read(() => store.dueEndpoints(now))).toEqual([]);
    expect(await sql.read(() => store.nextDueAt())).toBeNull();
  });

  it('releases what a worker holds, due at once for whoever runs next', async () => {
    await enqueue(3);
    await claim('w1', now, 2);
    expect(await sql.write(() => store.release('w1', now + 10))).toBe(2);
    expect(await sql.write(() => store.release('w1', now + 10))).toBe(0);
    const rows = await deliveries(sql);
    expect(rows.map((r) => [r.status, r.leaseOwner, r.nextAttemptAt])).toEqual([
      ['pending', null, now + 10],
      ['pending', null, now + 10],
      ['pending', null, now],
    ]);
  });

  it('prunes old events whose deliveries are all finished, with their deliveries and attempts', async () => {
    await addEndpoint(sql, 'ep_b');
    await enqueue(2);
    const events = await eventIds(sql);
    const [a1, a2] = await claim('w1', now, 10, 'ep_a');
    const [b1] = await claim('w1', now, 10, 'ep_b');
    await complete(a1, 'w1', outcome());
    await complete(b1, 'w1', outcome({ success: false, retryAt: null }));
    await complete(a2, 'w1', outcome());
    // The first event is finished everywhere; the second still waits for ep_b.
    const later = Date.now() + 60_000;
    expect(await sql.write(() => store.prune(0))).toBe(0);
    expect(await sql.write(() => store.prune(later))).toBe(1);
    expect(await eventIds(sql)).toEqual([events[1]]);
    expect((await deliveries(sql)).map((d) => d.eventId)).toEqual([events[1], events[1]]);
    expect(await count(sql, 'webhook_attempts')).toBe(1);
  });

  it('two workers on one database never claim the same delivery', async () => {
    const ids = await enqueue(40);
    const other = await db().second();
    const claimed: string[] = [];
    const worker = async (owner: string, s: SqlDatabase) => {
      for (;;) {
        const got = await claim(owner, now, 3, 'ep_a', s);
        claimed.push(...got.map((d) => d.id));
        if (!got.length && !(await s.read(() => store.dueEndpoints(now))).length) return;
      }
    };
    await Promise.all([
      worker('w1', sql),
      worker('w2', other.sql),
      worker('w3', sql),
      worker('w4', other.sql),
    ]);
    expect([...claimed].sort()).toEqual([...ids].sort());
  });
});
