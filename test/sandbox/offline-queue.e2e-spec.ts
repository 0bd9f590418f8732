import { proto } from '@whiskeysockets/baileys';
import { WhatsAppSandbox } from '../../src/sandbox/whatsapp-sandbox';
import { BaileysTestClient } from '../support/baileys-test-client';
import { useLinkedClient, type LinkedClient } from '../support/linked-client';
import { waitUntil } from '../support/wait';

/** Ids of the messages the client's socket number `socket` emitted in messages.upsert, in order, with the type. */
function upserted(client: BaileysTestClient, socket: number): { id: string; type: string }[] {
  return client.log
    .filter((e) => e.name === 'messages.upsert' && e.socket === socket)
    .flatMap((e) => {
      const u = e.data as { type: string; messages: { key: { id?: string | null } }[] };
      return u.messages.map((m) => ({ id: m.key.id ?? '', type: u.type }));
    });
}

const queued = (linked: LinkedClient) => linked.sandbox.deviceQueue(linked.phone)[0].stanzas;

/** Drops the connection and waits until the sandbox has processed every frame the client sent on it. */
async function drop(linked: LinkedClient): Promise<void> {
  const gone = new Promise<void>((resolve) => linked.sandbox.events.once('disconnect', () => resolve()));
  const closed = linked.client.waitForClose();
  linked.sandbox.disconnect(linked.phone, 'drop');
  await Promise.all([gone, closed]);
}

/**
 * Baileys holds its events for up to 20 s after a login until its first app-state sync is done
 * (`accountSyncCounter`); a test that reconnects must start after that, as a long-running gateway does.
 */
async function initialSyncDone(linked: LinkedClient): Promise<void> {
  await waitUntil(() => (linked.client.auth.state.creds.accountSyncCounter ?? 0) > 0, {
    what: "the client's initial sync",
  });
}

async function reconnect(linked: LinkedClient): Promise<number> {
  linked.client.connect();
  await linked.client.waitForOpen();
  return linked.client.log.reduce((max, e) => Math.max(max, e.socket), 0);
}

describe('offline queue: what a device has not acknowledged comes again', () => {
  const linked = useLinkedClient();
  const contact = '6281234588001';
  beforeAll(() => initialSyncDone(linked));

  it('redelivers exactly the unacknowledged messages after a reconnect, in order, marked offline', async () => {
    const send = async (text: string) =>
      (await linked.sandbox.contactSend(contact, linked.phone, { text })).id;
    const acked = [await send('acked 1'), await send('acked 2')];
    await waitUntil(() => queued(linked).length === 0, { what: 'the client to acknowledge the first two' });

    // The client receives three more, but its receipts never reach the server.
    linked.sandbox.withholdAcks(linked.phone, true);
    const lost = [await send('lost 1'), await send('lost 2'), await send('lost 3')];
    await linked.client.waitFor('messages.upsert', (u) => u.messages.some((m) => m.key.id === lost[2]));
    expect(queued(linked).map((s) => s.id)).toEqual(lost);
    await drop(linked);
    linked.sandbox.withholdAcks(linked.phone, false);

    const socket = await reconnect(linked);
    await waitUntil(() => upserted(linked.client, socket).filter((u) => lost.includes(u.id)).length === 3, {
      what: 'the three unacknowledged messages again',
    });
    const again = upserted(linked.client, socket);
    expect(again.filter((u) => lost.includes(u.id))).toEqual(lost.map((id) => ({ id, type: 'append' })));
    expect(again.some((u) => acked.includes(u.id))).toBe(false);
    await waitUntil(() => queued(linked).length === 0, {
      what: 'the redelivered messages to be acknowledged',
    });

    // Acknowledged now: a further reconnect brings only what is new.
    await drop(linked);
    const whileAway = await send('while away');
    const next = await reconnect(linked);
    await linked.client.waitFor(
      'messages.upsert',
      (u, e) => e.socket === next && u.messages.some((m) => m.key.id === whileAway),
    );
    const live = await send('after the reconnect');
    await linked.client.waitFor(
      'messages.upsert',
      (u, e) => e.socket === next && u.messages.some((m) => m.key.id === live),
    );
    expect(upserted(linked.client, next)).toEqual([
      { id: whileAway, type: 'append' },
      { id: live, type: 'notify' },
    ]);
  });

  it('a repeated message id from the client is recorded once at the contact, and receipted again', async () => {
    const to = '6281234588002@s.whatsapp.net';
    const sock = linked.client.sock!;
    const receipts: string[] = [];
    const onReceipt = (e: { direction: string; ids: string[]; type: string }) => {
      if (e.direction === 'to-account' && e.ids.includes('3EB0REPEATED0001')) receipts.push(e.type);
    };
    linked.sandbox.events.on('receipt', onReceipt);
    try {
      const message = proto.Message.fromObject({ conversation: 'sent twice' });
      await sock.relayMessage(to, message, { messageId: '3EB0REPEATED0001' });
      await linked.sandbox.waitForReceived('6281234588002', (m) => m.id === '3EB0REPEATED0001');
      await sock.relayMessage(to, message, { messageId: '3EB0REPEATED0001' });
      await waitUntil(() => linked.sandbox.received('6281234588002')[0]?.timesReceived === 2, {
        what: 'the repeat to reach the contact',
      });
      await waitUntil(() => receipts.filter((t) => t === 'delivered').length === 2, {
        what: 'a delivery receipt for each copy',
      });
    } finally {
      linked.sandbox.events.off('receipt', onReceipt);
    }
    const received = linked.sandbox.received('6281234588002');
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ id: '3EB0REPEATED0001', text: 'sent twice', timesReceived: 2 });
  });
});

describe('offline queue: receipts for the messages the account sent', () => {
  const ctx = {} as LinkedClient;
  beforeAll(async () => {
    ctx.sandbox = await WhatsAppSandbox.start({ port: 0, receipts: false });
    ctx.client = new BaileysTestClient(ctx.sandbox);
    ({ phone: ctx.phone } = await ctx.client.link());
    await initialSyncDone(ctx);
  });
  afterAll(async () => {
    await ctx.client?.end();
    await ctx.sandbox?.stop();
  });

  it('receipts sent while the device is offline arrive after it reconnects', async () => {
    const contact = '6281234588003';
    const sent = await ctx.client.sock!.sendMessage(`${contact}@s.whatsapp.net`, { text: 'will be read' });
    const id = sent!.key.id!;
    await ctx.sandbox.waitForReceived(contact, (m) => m.id === id);
    // Everything acknowledged so far, the history bootstrap included (without it Baileys would hold events
    // for 20 s after the reconnect, waiting for its initial sync).
    await waitUntil(() => queued(ctx).length === 0, { what: 'an empty queue' });
    await drop(ctx);

    await ctx.sandbox.sendReceipt(contact, [id], 'delivered');
    await ctx.sandbox.sendReceipt(contact, [id], 'read');
    expect(queued(ctx)).toMatchObject([
      { kind: 'receipt', id, from: contact, type: 'delivered' },
      { kind: 'receipt', id, from: contact, type: 'read' },
    ]);

    const socket = await reconnect(ctx);
    const update = await ctx.client.waitFor(
      'messages.update',
      (updates, e) =>
        e.socket === socket &&
        updates.some((u) => u.key.id === id && u.update.status === proto.WebMessageInfo.Status.READ),
    );
    expect(update.find((u) => u.key.id === id)?.key.fromMe).toBe(true);
    await waitUntil(() => queued(ctx).length === 0, { what: 'the receipts to be acknowledged' });
  });
});
