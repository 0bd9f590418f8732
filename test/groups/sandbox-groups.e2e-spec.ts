import type { proto } from '@whiskeysockets/baileys';
import { useLinkedClient } from '../support/linked-client';

const A = '6281230000101';
const B = '6281230000102';
const C = '6281230000103';
const D = '6281230000104';
const jid = (phone: string) => `${phone}@s.whatsapp.net`;

describe('sandbox groups with the real Baileys client', () => {
  const ctx = useLinkedClient();

  it('creates a group; members decrypt its sender-key messages; a member writes; a removed member gets nothing', async () => {
    const { sandbox, client } = ctx;
    const sock = client.sock!;
    const created = await sock.groupCreate('Team', [jid(A), jid(B), jid(C)]);
    expect(created.subject).toBe('Team');
    expect(created.participants.map((p) => p.id).sort()).toEqual(
      [jid(ctx.phone), jid(A), jid(B), jid(C)].sort(),
    );
    await client.waitFor('groups.upsert', (g) => g.some((x) => x.id === created.id));

    const sent = await sock.sendMessage(created.id, {
      text: `hi @${A}`,
      mentions: [jid(A)],
    });
    for (const member of [A, B, C]) {
      const got = await sandbox.waitForReceived(member, (m) => m.id === sent!.key.id);
      expect(got).toMatchObject({ kind: 'text', text: `hi @${A}`, group: created.id });
      expect(got.mentions).toEqual([jid(A)]);
    }
    // B's receipt reaches the device as a group receipt with B as participant. Baileys reports it as
    // message-receipt.update, or folds it into the message itself when both fall into one event buffer.
    const ways = [
      client.waitFor('message-receipt.update', (u) =>
        u.some((r) => r.key.id === sent!.key.id && r.receipt.userJid === jid(B)),
      ),
      client.waitFor('messages.upsert', (u) =>
        u.messages.some(
          (m) => m.key.id === sent!.key.id && (m.userReceipt ?? []).some((r) => r.userJid === jid(B)),
        ),
      ),
    ];
    for (const way of ways) way.catch(() => undefined);
    await Promise.any(ways);

    const inbound = await sandbox.groupSend(created.id, B, { text: 'from B' }, { pushName: 'Bee' });
    const upsert = await client.waitFor('messages.upsert', (u) =>
      u.messages.some((m) => m.key.id === inbound.id),
    );
    const msg = upsert.messages.find((m) => m.key.id === inbound.id)!;
    expect(msg.key.remoteJid).toBe(created.id);
    expect(msg.key.participant).toBe(jid(B));
    expect(msg.message?.conversation).toBe('from B');
    expect(msg.pushName).toBe('Bee');
    const second = await sandbox.groupSend(created.id, B, { text: 'again from B' });
    await client.waitFor('messages.upsert', (u) =>
      u.messages.some((m) => m.key.id === second.id && m.message?.conversation === 'again from B'),
    );

    const removed = await sock.groupParticipantsUpdate(created.id, [jid(C)], 'remove');
    expect(removed).toEqual([expect.objectContaining({ status: '200', jid: jid(C) })]);
    await client.waitFor('group-participants.update', (u) => u.id === created.id && u.action === 'remove');
    const added = await sock.groupParticipantsUpdate(created.id, [jid(D), jid(A)], 'add');
    expect(added.map((r) => r.status)).toEqual(['200', '409']);
    const after = await sock.sendMessage(created.id, { text: 'after the change' });
    await sandbox.waitForReceived(D, (m) => m.id === after!.key.id);
    await sandbox.waitForReceived(A, (m) => m.id === after!.key.id);
    expect(sandbox.received(C).some((m) => m.id === after!.key.id)).toBe(false);

    sandbox.groupSetSubject(created.id, A, 'Renamed');
    await client.waitFor('groups.update', (u) =>
      u.some((g) => g.id === created.id && g.subject === 'Renamed'),
    );
    sandbox.groupLeave(created.id, B);
    await client.waitFor(
      'group-participants.update',
      (u) => u.action === 'remove' && u.participants.some((p) => p.id === jid(B)),
    );
    const meta = await sock.groupMetadata(created.id);
    expect(meta.subject).toBe('Renamed');
    expect(meta.participants.map((p) => p.id).sort()).toEqual([jid(ctx.phone), jid(A), jid(D)].sort());
    const fromA = await sandbox.groupSend(created.id, A, { text: 'A after B left' });
    await client.waitFor('messages.upsert', (u) =>
      u.messages.some((m) => m.key.id === fromA.id && m.message?.conversation === 'A after B left'),
    );
  });

  it('answers errors: unknown group, changes by a non-admin', async () => {
    const { sandbox, client } = ctx;
    const sock = client.sock!;
    await expect(sock.groupMetadata('120363999999999999@g.us')).rejects.toMatchObject({ data: 404 });
    const { group } = sandbox.createGroup(A, 'Their group', [ctx.phone, B]);
    await client.waitFor('groups.upsert', (g) => g.some((x) => x.id === group.jid));
    await expect(sock.groupParticipantsUpdate(group.jid, [jid(B)], 'remove')).rejects.toMatchObject({
      data: 403,
    });
    const msg = (await sock.sendMessage(group.jid, { text: 'a member writes' })) as proto.IWebMessageInfo;
    await sandbox.waitForReceived(B, (m) => m.id === msg.key!.id);
  });
});
