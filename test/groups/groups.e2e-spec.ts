import { createHash } from 'node:crypto';
import { startSandboxApp, SandboxApp } from '../support/sandbox-app';
import { waitUntil } from '../support/wait';
import { Receiver } from '../webhooks/support/receiver';

const NO_PACING = { SEND_MIN_INTERVAL_MS: '0', SEND_JITTER_MS: '0' };
const DEADLINE = { timeoutMs: 20_000 };
const PNG_1X1 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
const A = '6281140000101';
const B = '6281140000102';
const C = '6281140000103';
const D = '6281140000104';
const E = '6281140000105';
const jid = (phone: string) => `${phone}@s.whatsapp.net`;

describe('groups end to end (sandbox, real Baileys)', () => {
  let t: SandboxApp;
  const hook = new Receiver();
  let group: string;
  const events = (type: string): any[] =>
    hook.requests.map((r) => JSON.parse(r.body)).filter((e) => e.type === type);
  const waitEvent = (type: string, match: (data: any) => boolean, what: string) =>
    waitUntil(async () => events(type).find((e) => match(e.data)) ?? null, { ...DEADLINE, what });
  const send = (body: object) => t.post('/api/sessions/default/messages', { to: group, ...body });

  beforeAll(async () => {
    await hook.listen();
    t = await startSandboxApp(NO_PACING);
    const endpoint = await t.post('/api/webhook-endpoints', {
      url: hook.url,
      events: ['group.join', 'group.leave', 'group.participants', 'group.update', 'message.received'],
    });
    expect(endpoint.status).toBe(201);
  });
  afterAll(async () => {
    await t?.close();
    await hook.close();
  });

  it('creates a group of three; each member decrypts a text, an image with caption and a mention', async () => {
    const created = await t.post('/api/sessions/default/groups', {
      subject: 'Pelanggan',
      participants: [A, B, C],
    });
    expect(created.status).toBe(201);
    group = created.body.id;
    expect(group).toMatch(/@g\.us$/);
    expect(created.body).toMatchObject({ subject: 'Pelanggan', size: 4, role: 'superadmin' });
    await waitEvent('group.join', (d) => d.group === group, 'group.join for the new group');

    const list = await t.get('/api/sessions/default/groups');
    expect(list.body.items).toContainEqual({ id: group, subject: 'Pelanggan', size: 4, role: 'superadmin' });

    const text = await send({ type: 'text', text: 'Halo semua' });
    const image = await send({
      type: 'image',
      image: { base64: PNG_1X1, mimetype: 'image/png' },
      caption: 'Menu',
    });
    const mention = await send({ type: 'text', text: `Tolong cek @${B}`, mentions: [B] });
    for (const res of [text, image, mention]) expect(res.status).toBe(202);
    for (const member of [A, B, C]) {
      const gotText = await t.sandbox.waitForReceived(member, (m) => m.id === text.body.waMessageId, 20_000);
      expect(gotText).toMatchObject({ kind: 'text', text: 'Halo semua', group });
      const gotImage = await t.sandbox.waitForReceived(
        member,
        (m) => m.id === image.body.waMessageId,
        20_000,
      );
      expect(gotImage).toMatchObject({ kind: 'image', caption: 'Menu', group });
      expect(gotImage.media?.sha256).toBe(
        createHash('sha256').update(Buffer.from(PNG_1X1, 'base64')).digest('hex'),
      );
      const gotMention = await t.sandbox.waitForReceived(
        member,
        (m) => m.id === mention.body.waMessageId,
        20_000,
      );
      expect(gotMention).toMatchObject({ text: `Tolong cek @${B}`, mentions: [jid(B)] });
    }
  });

  it("keeps each member's delivery and read receipt of a group message", async () => {
    const sent = await send({ type: 'text', text: 'Siapa yang sudah baca?' });
    const read = await waitUntil(
      async () => {
        const res = await t.get(`/api/sessions/default/messages/${sent.body.id}`);
        const receipts = res.body.receipts ?? [];
        return receipts.length === 3 && receipts.every((r: any) => r.readAt) ? res.body : null;
      },
      { ...DEADLINE, what: 'read receipts of the three members' },
    );
    expect(read.status).toBe('read');
    expect(read.receipts.map((r: any) => r.phone).sort()).toEqual([A, B, C].sort());
    for (const r of read.receipts) {
      expect(r.participant).toBe(jid(r.phone));
      expect(Date.parse(r.deliveredAt)).toBeLessThanOrEqual(Date.parse(r.readAt));
    }
  });

  it("a member's message arrives once, with the group and the participant", async () => {
    const { id } = await t.sandbox.groupSend(
      group,
      B,
      { text: 'Siap, sudah saya cek' },
      { pushName: 'Budi' },
    );
    const event = await waitEvent('message.received', (d) => d.waMessageId === id, "B's group message");
    expect(event.data).toMatchObject({
      chat: group,
      chatType: 'group',
      fromMe: false,
      text: 'Siap, sudah saya cek',
      from: { phone: B, jid: jid(B), pushName: 'Budi' },
    });
    const stored = await t.get(
      `/api/sessions/default/messages?chat=${encodeURIComponent(group)}&direction=in`,
    );
    expect(stored.body.items.filter((m: any) => m.waMessageId === id)).toHaveLength(1);
    expect(events('message.received').filter((e) => e.data.waMessageId === id)).toHaveLength(1);

    // A reply quotes the member's message; the members see the quote.
    const reply = await send({ type: 'text', text: 'Terima kasih', quotedMessageId: event.data.id });
    expect(reply.status).toBe(202);
    const got = await t.sandbox.waitForReceived(A, (m) => m.id === reply.body.waMessageId, 20_000);
    expect(got).toMatchObject({ quotedId: id, group });
  });

  it('adds, removes and promotes with events; the removed member gets nothing new, the added one does', async () => {
    t.sandbox.setGroupAddPrivacy(E, true);
    const add = await t.post(`/api/sessions/default/groups/${group}/participants/add`, {
      participants: [D, E, A],
    });
    expect(add.status).toBe(200);
    expect(add.body.results).toEqual([
      { jid: jid(D), ok: true, status: 200, reason: null },
      { jid: jid(E), ok: false, status: 403, reason: 'privacy settings do not allow it' },
      { jid: jid(A), ok: false, status: 409, reason: 'already in the group' },
    ]);
    const remove = await t.post(`/api/sessions/default/groups/${group}/participants/remove`, {
      participants: [C],
    });
    expect(remove.body.results).toEqual([{ jid: jid(C), ok: true, status: 200, reason: null }]);
    const promote = await t.post(`/api/sessions/default/groups/${group}/participants/promote`, {
      participants: [A],
    });
    expect(promote.body.results[0]).toMatchObject({ ok: true });

    for (const action of ['add', 'remove', 'promote']) {
      const e = await waitEvent(
        'group.participants',
        (d) => d.group === group && d.action === action,
        action,
      );
      expect(e.data.by).toEqual({ jid: jid(t.account), phone: t.account });
    }
    expect(events('group.participants').find((e) => e.data.action === 'remove').data.participants).toEqual([
      expect.objectContaining({ jid: jid(C), phone: C }),
    ]);

    const got = await t.get(`/api/sessions/default/groups/${group}`);
    expect(got.status).toBe(200);
    const roles = Object.fromEntries(got.body.participants.map((p: any) => [p.phone, p.role]));
    expect(roles).toEqual({ [t.account]: 'superadmin', [A]: 'admin', [B]: 'member', [D]: 'member' });
    expect(got.body.participants.every((p: any) => p.lid?.endsWith('@lid'))).toBe(true);

    const after = await send({ type: 'text', text: 'Setelah perubahan' });
    await t.sandbox.waitForReceived(D, (m) => m.id === after.body.waMessageId, 20_000);
    await t.sandbox.waitForReceived(B, (m) => m.id === after.body.waMessageId, 20_000);
    expect(t.sandbox.received(C).some((m) => m.id === after.body.waMessageId)).toBe(false);
  });

  it("a member's subject change and a member leaving arrive as events", async () => {
    // Through the sandbox's control API, as the console's sandbox panel drives it.
    const renamed = await t
      .http()
      .put(`/api/sandbox/groups/${group}/subject`)
      .set('X-API-Key', t.apiKey)
      .send({ actor: A, subject: 'Pelanggan VIP' });
    expect(renamed.status).toBe(200);
    expect(renamed.body.subject).toBe('Pelanggan VIP');
    const update = await waitEvent(
      'group.update',
      (d) => d.group === group && !!d.changes.subject,
      'subject',
    );
    expect(update.data).toMatchObject({ changes: { subject: 'Pelanggan VIP' }, by: { phone: A } });
    expect((await t.post(`/api/sandbox/groups/${group}/leave`, { phone: B })).status).toBe(200);
    expect((await t.post(`/api/sandbox/groups/${group}/leave`, { phone: B })).status).toBe(403);
    const left = await waitEvent('group.participants', (d) => d.action === 'leave', 'B leaving');
    expect(left.data).toMatchObject({
      group,
      participants: [expect.objectContaining({ phone: B })],
      by: { phone: B },
    });
    const got = await t.get(`/api/sessions/default/groups/${group}`);
    expect(got.body.subject).toBe('Pelanggan VIP');
    expect(got.body.participants.map((p: any) => p.phone)).not.toContain(B);
  });

  it('updates settings, gets and revokes the invite; answers 4xx for an unknown group and a non-admin', async () => {
    const patched = await t
      .http()
      .patch(`/api/sessions/default/groups/${group}`)
      .set('X-API-Key', t.apiKey)
      .send({ description: 'Khusus pelanggan', settings: { announcementOnly: true, locked: true } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      description: 'Khusus pelanggan',
      settings: { announcementOnly: true, locked: true, approvalRequired: false },
    });
    const invite = await t.get(`/api/sessions/default/groups/${group}/invite`);
    expect(invite.body.link).toBe(`https://chat.whatsapp.com/${invite.body.code}`);
    const revoked = await t.post(`/api/sessions/default/groups/${group}/invite/revoke`);
    expect(revoked.body.code).not.toBe(invite.body.code);

    const unknown = await t.get('/api/sessions/default/groups/120363999999999999@g.us');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ error: 'Group not found' });
    expect((await t.get('/api/sessions/default/groups/not-a-group')).status).toBe(400);

    const theirs = t.sandbox.createGroup(A, 'Grup A', [t.account, B]).group.jid;
    const joined = await waitEvent('group.join', (d) => d.group === theirs, 'group.join when added by A');
    expect(joined.data.by).toMatchObject({ phone: A });
    const refused = await t.post(`/api/sessions/default/groups/${theirs}/participants/remove`, {
      participants: [B],
    });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ error: 'Not allowed' });
    expect(refused.body.details).toContain('only admins');
    const bad = await t.post(`/api/sessions/default/groups/${theirs}/participants/kick`, {
      participants: [B],
    });
    expect(bad.status).toBe(400);

    const leave = await t.post(`/api/sessions/default/groups/${theirs}/leave`);
    expect(leave.status).toBe(200);
    await waitEvent('group.leave', (d) => d.group === theirs && d.reason === 'left', 'group.leave');
  });

  it('the ping rule does not answer in a group at its default scope; scoped to the group it does', async () => {
    const rule = await t.get('/api/auto-reply-rules/rule_default_ping');
    expect(rule.body).toMatchObject({ chatTypes: ['direct'], groups: [] });
    const first = await t.sandbox.groupSend(group, A, { text: 'ping' });
    await waitEvent('message.received', (d) => d.waMessageId === first.id, 'the first ping');
    const scoped = await t
      .http()
      .patch('/api/auto-reply-rules/rule_default_ping')
      .set('X-API-Key', t.apiKey)
      .send({ groups: [group] });
    expect(scoped.status).toBe(200);
    const second = await t.sandbox.groupSend(group, A, { text: 'ping' });
    const pong = await t.sandbox.waitForReceived(A, (m) => m.text === 'pong' && m.group === group, 20_000);
    expect(pong.group).toBe(group);
    const replies = await waitUntil(
      async () => {
        const res = await t.get(
          `/api/sessions/default/messages?chat=${encodeURIComponent(group)}&direction=out`,
        );
        const auto = res.body.items.filter((m: any) => m.source === 'auto_reply');
        return auto.length ? auto : null;
      },
      { ...DEADLINE, what: 'the pong stored' },
    );
    expect(replies).toHaveLength(1);
    expect(replies[0].waMessageId).toBe(pong.id);
    expect(second.id).not.toBe(first.id);
  });
});
