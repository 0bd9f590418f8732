import { startSandboxApp, SandboxApp } from '../support/sandbox-app';
import { waitUntil } from '../support/wait';
import { Receiver } from '../webhooks/support/receiver';
import {
  collectSocket,
  contactSees,
  DEADLINE,
  hooked,
  sendAndWait,
  storedIncoming,
  waitForHook,
} from './support/changes';

describe('conversations: reactions and polls (sandbox, real Baileys)', () => {
  let t: SandboxApp;
  const hook = new Receiver();
  let socket: Awaited<ReturnType<typeof collectSocket>>;
  const message = async (id: string) => (await t.get(`/api/sessions/default/messages/${id}`)).body;

  beforeAll(async () => {
    await hook.listen();
    t = await startSandboxApp();
    const endpoint = await t.post('/api/webhook-endpoints', {
      url: hook.url,
      events: ['message.reaction', 'poll.vote', 'message.received'],
    });
    expect(endpoint.status).toBe(201);
    socket = await collectSocket(t, ['message.reaction', 'poll.vote']);
  });
  afterAll(async () => {
    socket?.socket.disconnect();
    await t?.close();
    await hook.close();
  });

  it("puts a contact's reaction on the message it reacted to, and takes it off again", async () => {
    const contact = '6281100000501';
    const sent = await sendAndWait(t, { to: contact, type: 'text', text: 'Order confirmed' });
    await contactSees(t, contact, sent.waMessageId);

    const res = await t.post(`/api/sandbox/contacts/${contact}/changes`, {
      action: 'react',
      messageId: sent.waMessageId,
      emoji: '👍',
    });
    expect(res.status).toBe(200);
    const reaction = await waitForHook(hook, 'message.reaction', (d) => d.id === sent.id && d.emoji === '👍');
    expect(reaction).toMatchObject({
      waMessageId: sent.waMessageId,
      chat: `${contact}@s.whatsapp.net`,
      from: { phone: contact, fromMe: false },
      removed: false,
      previousEmoji: null,
      reactedAt: expect.any(String),
    });
    await waitUntil(() => socket.events.find((e) => e.type === 'message.reaction' && e.data.id === sent.id), {
      ...DEADLINE,
      what: 'message.reaction on Socket.IO',
    });
    expect((await message(sent.id)).details.reactions).toEqual([
      expect.objectContaining({ emoji: '👍', from: expect.objectContaining({ phone: contact }) }),
    ]);

    // A new emoji replaces the contact's reaction; an empty one removes it.
    await t.sandbox.contactChange(contact, t.account, { react: { id: sent.waMessageId, emoji: '🎉' } });
    await waitForHook(hook, 'message.reaction', (d) => d.id === sent.id && d.emoji === '🎉');
    expect((await message(sent.id)).details.reactions.map((r: any) => r.emoji)).toEqual(['🎉']);
    await t.sandbox.contactChange(contact, t.account, { react: { id: sent.waMessageId, emoji: '' } });
    const removed = await waitForHook(hook, 'message.reaction', (d) => d.id === sent.id && d.removed);
    expect(removed).toMatchObject({ emoji: '', previousEmoji: '🎉' });
    expect((await message(sent.id)).details?.reactions).toBeUndefined();

    // A reaction is no message of its own: nothing new in the chat's history, no message.received.
    const history = await t.get(`/api/sessions/default/messages?chat=${contact}`);
    expect(history.body.items.map((m: any) => m.id)).toEqual([sent.id]);
    expect(hooked(hook, 'message.received').filter((d) => d.chat === `${contact}@s.whatsapp.net`)).toEqual(
      [],
    );
  });

  it('puts a reaction to its own message on that incoming message', async () => {
    const contact = '6281100000502';
    const { id } = await t.sandbox.contactSend(contact, t.account, { text: 'Photo coming' });
    const stored = await storedIncoming(t, id);
    await t.sandbox.contactChange(contact, t.account, { react: { id, emoji: '😂' } });
    await waitForHook(hook, 'message.reaction', (d) => d.id === stored.id);
    expect((await message(stored.id)).details.reactions).toEqual([expect.objectContaining({ emoji: '😂' })]);

    // The account's own reaction, sent through the API, sits beside it once WhatsApp took it.
    const mine = await sendAndWait(t, {
      to: contact,
      type: 'reaction',
      reaction: { messageId: id, emoji: '❤️' },
    });
    const seen = await contactSees(t, contact, mine.waMessageId);
    expect(seen.reaction).toEqual({ text: '❤️', targetId: id });
    expect((await message(stored.id)).details.reactions.map((r: any) => [r.emoji, r.from.fromMe])).toEqual([
      ['😂', false],
      ['❤️', true],
    ]);
  });

  it('refuses malformed polls', async () => {
    const poll = (p: object) =>
      t.post('/api/sessions/default/messages', { to: '6281100000503', type: 'poll', poll: p });
    for (const bad of [
      { question: 'Q', options: ['only one'] },
      { question: 'Q', options: ['a', 'a'] },
      { question: 'Q', options: Array.from({ length: 13 }, (_, i) => `o${i}`) },
      { question: 'Q', options: ['a', 'b'], selectableCount: 3 },
      { question: '', options: ['a', 'b'] },
      { options: ['a', 'b'] },
    ]) {
      const res = await poll(bad);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: expect.any(String), details: expect.anything() });
    }
  });

  it('tallies the votes of two contacts, a changed vote replacing the first, also after a restart', async () => {
    const [alice, bob] = ['6281100000511', '6281100000512'];
    const poll = {
      question: 'Which day suits you?',
      options: ['Monday', 'Tuesday', 'Friday'],
      selectableCount: 1,
    };
    const sent: Record<string, any> = {};
    for (const contact of [alice, bob]) {
      sent[contact] = await sendAndWait(t, { to: contact, type: 'poll', poll });
      expect(sent[contact]).toMatchObject({ type: 'poll', text: poll.question });
      const seen = await contactSees(t, contact, sent[contact].waMessageId);
      expect(seen).toMatchObject({ kind: 'poll', poll: { question: poll.question, options: poll.options } });
      expect(seen.poll.secret).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    }
    const received = await t.get(`/api/sandbox/contacts/${alice}/messages`);
    expect(received.body.find((m: any) => m.id === sent[alice].waMessageId).poll).toEqual({
      question: poll.question,
      options: poll.options,
      selectableCount: 1,
    });

    const vote = await t.post(`/api/sandbox/contacts/${alice}/changes`, {
      action: 'vote',
      messageId: sent[alice].waMessageId,
      options: ['Tuesday'],
    });
    expect(vote.status).toBe(200);
    await t.sandbox.contactChange(bob, t.account, {
      vote: { pollId: sent[bob].waMessageId, options: ['Monday'] },
    });
    const aliceVote = await waitForHook(hook, 'poll.vote', (d) => d.id === sent[alice].id);
    expect(aliceVote).toMatchObject({
      waMessageId: sent[alice].waMessageId,
      voter: { phone: alice, fromMe: false },
      options: ['Tuesday'],
      votedAt: expect.any(String),
    });
    await waitForHook(hook, 'poll.vote', (d) => d.id === sent[bob].id && d.options[0] === 'Monday');

    // Bob changes his mind: his new vote replaces the first.
    await t.sandbox.contactChange(bob, t.account, {
      vote: { pollId: sent[bob].waMessageId, options: ['Friday'] },
    });
    const changed = await waitForHook(
      hook,
      'poll.vote',
      (d) => d.id === sent[bob].id && d.options[0] === 'Friday',
    );
    const counts = (tally: any[]) => Object.fromEntries(tally.map((o) => [o.option, o.votes]));
    expect(counts(changed.tally)).toEqual({ Monday: 0, Tuesday: 0, Friday: 1 });
    await waitUntil(() => socket.events.filter((e) => e.type === 'poll.vote').length >= 3, {
      ...DEADLINE,
      what: 'three poll.vote events on Socket.IO',
    });

    const tallyOf = async (contact: string) => (await message(sent[contact].id)).details.poll.tally;
    expect(await tallyOf(alice)).toEqual([
      { option: 'Monday', votes: 0, voters: [] },
      { option: 'Tuesday', votes: 1, voters: [expect.objectContaining({ phone: alice })] },
      { option: 'Friday', votes: 0, voters: [] },
    ]);
    expect(counts(await tallyOf(bob))).toEqual({ Monday: 0, Tuesday: 0, Friday: 1 });
    expect((await message(sent[bob].id)).details.poll.votes).toHaveLength(1);
    expect(JSON.stringify(await message(sent[bob].id))).not.toContain(
      t.sandbox.received(bob).find((m) => m.id === sent[bob].waMessageId)!.poll!.secret,
    );

    // The poll's secret survives a restart: a vote after it is still read.
    const { dir, account } = t;
    await t.close();
    t = await startSandboxApp({}, { link: false, dir });
    await t.waitForStatus('default', 'connected');
    t.account = account;
    socket.socket.disconnect();
    socket = await collectSocket(t, ['poll.vote']);
    await t.sandbox.contactChange(alice, t.account, {
      vote: { pollId: sent[alice].waMessageId, options: ['Monday'] },
    });
    await waitForHook(hook, 'poll.vote', (d) => d.id === sent[alice].id && d.options[0] === 'Monday');
    expect(counts(await tallyOf(alice))).toEqual({ Monday: 1, Tuesday: 0, Friday: 0 });
  });
});
