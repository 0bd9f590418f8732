import { run } from '../../src/database/sql/sql';
import { DeliveryStore } from '../../src/webhooks/delivery.store';
import { DeliveryHandoff, envelope, OutboxWriter } from '../../src/webhooks/outbox.writer';
import { describeEachEngine } from '../support/both-engines';
import { waitUntil } from '../support/wait';
import {
  addEndpoint,
  count,
  deliveries,
  eventIds,
  messageEvent,
  webhookSettings,
} from './support/webhook-rows';

/**
 * Medium test: the webhook outbox (OutboxWriter.write inside the producer's transaction) on a real SQLite file
 * and a real PostgreSQL database: the event and its deliveries are committed with the producer's rows, or not
 * at all.
 */
describeEachEngine('OutboxWriter', (db) => {
  let outbox: OutboxWriter;
  beforeEach(() => {
    outbox = new OutboxWriter(webhookSettings('5,300'), db().sql);
  });

  it('writes the event and one pending delivery per enabled endpoint subscribed to it', async () => {
    await addEndpoint(db().sql, 'ep_all');
    await addEndpoint(db().sql, 'ep_msg', { events: ['message.received'] });
    await addEndpoint(db().sql, 'ep_status', { events: ['session.status'] });
    await addEndpoint(db().sql, 'ep_off', { enabled: false });
    const event = messageEvent();
    const before = Date.now();
    const ids = await db().sql.write(() => outbox.write(event));
    expect(ids).toHaveLength(2);
    expect(await eventIds(db().sql)).toEqual([event.id]);
    const rows = await deliveries(db().sql);
    expect(rows.map((r) => r.endpointId).sort()).toEqual(['ep_all', 'ep_msg']);
    expect(rows.map((r) => r.id).sort()).toEqual([...ids].sort());
    for (const r of rows) {
      expect(r).toMatchObject({ eventId: event.id, status: 'pending', leaseOwner: null, attempts: 0 });
      // The first attempt is due after the schedule's first delay (5 s, ±20 % jitter).
      expect(r.nextAttemptAt).toBeGreaterThanOrEqual(before + 4000);
      expect(r.nextAttemptAt).toBeLessThanOrEqual(Date.now() + 6000);
    }
    expect(outbox.takeWrittenDeliveries()).toBe(true);
    expect(outbox.takeWrittenDeliveries()).toBe(false);
  });

  it('keeps the event without deliveries when only a disabled endpoint subscribes; nothing when none does', async () => {
    await addEndpoint(db().sql, 'ep_off', { enabled: false });
    const kept = messageEvent();
    expect(await db().sql.write(() => outbox.write(kept))).toEqual([]);
    expect(await eventIds(db().sql)).toEqual([kept.id]);
    expect(await count(db().sql, 'webhook_deliveries')).toBe(0);

    await db().sql.write(() => run('DELETE FROM webhook_endpoints'));
    outbox.invalidate();
    expect(await db().sql.write(() => outbox.write(messageEvent()))).toEqual([]);
    expect(await eventIds(db().sql)).toEqual([kept.id]);
  });

  it('writes a delivery for the one endpoint asked for, even a disabled one (a manual resend)', async () => {
    await addEndpoint(db().sql, 'ep_a');
    await addEndpoint(db().sql, 'ep_off', { enabled: false });
    const event = messageEvent();
    await db().sql.write(() => outbox.write(event, 'ep_off'));
    expect((await deliveries(db().sql)).map((r) => r.endpointId)).toEqual(['ep_off']);
  });

  it('leaves neither event nor deliveries when the producer fails after writing them', async () => {
    await addEndpoint(db().sql, 'ep_all');
    const event = messageEvent();
    const failing = db().sql.write(function* () {
      yield* outbox.write(event);
      yield* run(
        `INSERT INTO inbound_webhooks (id, "from", message, verified_by, received_at) VALUES ('inb_x', 'a', 'b', 'api-key', 1)`,
      );
      throw new Error('the producer failed');
    });
    const other = messageEvent();
    const committed = db().sql.write(() => outbox.write(other));
    await expect(failing).rejects.toThrow('the producer failed');
    await committed;
    expect(await eventIds(db().sql)).toEqual([other.id]);
    expect((await deliveries(db().sql)).map((r) => r.eventId)).toEqual([other.id]);
    expect(await count(db().sql, 'inbound_webhooks')).toBe(0);
  });

  it('hands over leased rows due at once, and cancels the hand-over when the transaction rolls back', async () => {
    await addEndpoint(db().sql, 'ep_a');
    await addEndpoint(db().sql, 'ep_b');
    const immediate = new OutboxWriter(webhookSettings('0,5'), db().sql);
    const log: string[] = [];
    const handoff: DeliveryHandoff = {
      reserve: (endpointId, now) =>
        endpointId === 'ep_a' ? { owner: 'worker-1', leaseUntil: now + 30_000 } : null,
      handOver: (eventId, rows) => log.push(`handOver ${eventId} ${rows.map((r) => r.endpointId)}`),
      unreserve: (endpointId) => log.push(`unreserve ${endpointId}`),
      cancel: (eventId) => log.push(`cancel ${eventId}`),
    };
    immediate.setHandoff(handoff);

    const kept = messageEvent();
    await db().sql.write(() => immediate.write(kept));
    expect(log).toEqual([`handOver ${kept.id} ep_a`]);
    const rows = await deliveries(db().sql);
    expect(rows.find((r) => r.endpointId === 'ep_a')).toMatchObject({
      status: 'delivering',
      leaseOwner: 'worker-1',
    });
    expect(rows.find((r) => r.endpointId === 'ep_b')).toMatchObject({ status: 'pending', leaseOwner: null });

    log.length = 0;
    const lost = messageEvent();
    await expect(
      db().sql.write(function* () {
        yield* immediate.write(lost);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(log).toEqual([`handOver ${lost.id} ep_a`, `cancel ${lost.id}`]);
    expect(await eventIds(db().sql)).toEqual([kept.id]);
  });

  it('stores the envelope every attempt sends', async () => {
    await addEndpoint(db().sql, 'ep_a');
    const event = messageEvent();
    await db().sql.write(() => outbox.write(event));
    const payloads = await db().sql.read(() => new DeliveryStore().payloads([event.id, 'evt_missing']));
    expect([...payloads]).toEqual([[event.id, envelope(event)]]);
  });

  it('sees an endpoint added by another process', async () => {
    const other = await db().second();
    expect(await db().sql.write(() => outbox.write(messageEvent()))).toEqual([]);
    await addEndpoint(other.sql, 'ep_elsewhere');
    // SQLite notices the other connection's commit at once; PostgreSQL reads the list again within a second.
    const ids = await waitUntil(
      async () => {
        const written = await db().sql.write(() => outbox.write(messageEvent()));
        return written.length ? written : null;
      },
      { what: 'a delivery for the endpoint added elsewhere' },
    );
    expect(ids).toHaveLength(1);
  });
});
