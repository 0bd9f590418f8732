import { Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { newEvent } from '../events/domain-event';
import { EnqueueOptions, MessageSender } from '../messaging/message-sender';
import type { MessageView } from '../messaging/message.view';
import type { OutgoingContent } from '../whatsapp/engine/engine.types';
import { AutoReplyListener } from './auto-reply.listener';
import { ReplyLimiter } from './reply-limiter';
import { AutoReplyRuleEntity } from './rule.entity';
import { AutoReplyRulesService } from './rules.service';

class FakeSender extends MessageSender {
  sent: { session: string; to: string; content: OutgoingContent; options: EnqueueOptions }[] = [];
  failNext = false;
  async enqueue(session: string, to: string, content: OutgoingContent, options: EnqueueOptions) {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('session not found');
    }
    this.sent.push({ session, to, content, options });
    return { id: `msg_out_${this.sent.length}` } as MessageView;
  }
}

function rule(overrides: Partial<AutoReplyRuleEntity>): AutoReplyRuleEntity {
  return Object.assign(new AutoReplyRuleEntity(), {
    id: 'rule_default_ping',
    name: 'ping',
    match: 'exact',
    pattern: 'ping',
    caseSensitive: false,
    reply: 'pong',
    sessions: ['*'],
    chatTypes: ['direct', 'group'],
    priority: 100,
    enabled: true,
    cooldownSeconds: 0,
    createdAt: 1,
    updatedAt: 1,
    ...overrides,
  });
}

let seq = 0;
function incoming(overrides: Partial<MessageView> = {}): MessageView {
  seq++;
  return {
    id: `msg_in_${seq}`,
    session: 'default',
    direction: 'in',
    waMessageId: `WAID${seq}`,
    chat: '6281234567890@s.whatsapp.net',
    chatType: 'direct',
    fromMe: false,
    from: { phone: '6281234567890', lid: null, jid: '6281234567890@s.whatsapp.net', pushName: 'Budi' },
    type: 'text',
    text: 'ping',
    source: 'whatsapp',
    status: 'received',
    ...overrides,
  } as MessageView;
}

function setup(rules: AutoReplyRuleEntity[], config: Partial<AppConfig> = {}) {
  const repo = { find: async () => rules.filter((r) => r.enabled) };
  const service = new AutoReplyRulesService(repo as any, new AppConfig());
  const sender = new FakeSender();
  const cfg = Object.assign(new AppConfig(), config);
  const listener = new AutoReplyListener(
    service,
    new ReplyLimiter(cfg.AUTO_REPLY_MAX_PER_CHAT_PER_MINUTE),
    cfg,
    sender,
  );
  const handle = (msg: MessageView) => listener.handle(newEvent('message.received', msg.session, msg));
  return { listener, sender, handle };
}

describe('AutoReplyListener', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('answers through the send queue, to the chat, as an auto_reply with the rule id and an idempotency key', async () => {
    const { sender, handle } = setup([rule({})]);
    const msg = incoming({ text: 'PING' });
    expect(await handle(msg)).toEqual({ replied: true, ruleId: 'rule_default_ping', messageId: 'msg_out_1' });
    expect(sender.sent).toEqual([
      {
        session: 'default',
        to: '6281234567890@s.whatsapp.net',
        content: { type: 'text', text: 'pong' },
        options: {
          source: 'auto_reply',
          ruleId: 'rule_default_ping',
          idempotencyKey: `auto-reply:${msg.id}`,
        },
      },
    ]);
  });

  it('does not answer the offline backlog or an old injected message: older than AUTO_REPLY_MAX_AGE_SECONDS', async () => {
    const { sender, handle } = setup([rule({})], { AUTO_REPLY_MAX_AGE_SECONDS: 600 });
    const ago = (s: number) => new Date(Date.now() - s * 1000).toISOString();
    expect(await handle(incoming({ timestamp: ago(3600) }))).toEqual({ replied: false, reason: 'stale' });
    expect(await handle(incoming({ timestamp: ago(30) }))).toMatchObject({ replied: true });
    // Messages fed in through POST /api/whatsapp/receive are judged by the timestamp given with them.
    expect(await handle(incoming({ timestamp: ago(3600), source: 'injected' }))).toEqual({
      replied: false,
      reason: 'stale',
    });
    expect(await handle(incoming({ timestamp: ago(5), source: 'injected' }))).toMatchObject({
      replied: true,
    });
    expect(sender.sent).toHaveLength(2);
  });

  it('fills the template from the message and answers in groups to the group', async () => {
    const { sender, handle } = setup([
      rule({ id: 'r_hi', match: 'regex', pattern: '^hi\\b', reply: 'Hi {{name}} on {{session}}!' }),
    ]);
    await handle(incoming({ text: 'hi all', chatType: 'group', chat: '1203630@g.us', session: 'shop' }));
    expect(sender.sent[0]).toMatchObject({
      session: 'shop',
      to: '1203630@g.us',
      content: { text: 'Hi Budi on shop!' },
    });
  });

  it.each([
    ['our own message', { fromMe: true }, 'own_message'],
    ['an outgoing message', { direction: 'out' as const }, 'own_message'],
    ['a status broadcast', { chat: 'status@broadcast', chatType: 'broadcast' }, 'not_a_chat'],
    ['a channel post', { chat: '1203@newsletter', chatType: 'newsletter' }, 'not_a_chat'],
    ['a broadcast list', { chat: '1234@broadcast', chatType: 'direct' }, 'not_a_chat'],
    ['a reaction', { type: 'reaction' }, 'no_text'],
    ['a system message', { details: { system: true } }, 'system'],
    ['a message of unknown type', { type: 'unknown' }, 'no_text'],
    ['a message without text', { type: 'image', text: null }, 'no_text'],
    ['a text that matches nothing', { text: 'ping me' }, 'no_match'],
  ])('never answers %s', async (_what, change, reason) => {
    const { sender, handle } = setup([rule({})]);
    expect(await handle(incoming(change as Partial<MessageView>))).toEqual({ replied: false, reason });
    expect(sender.sent).toEqual([]);
  });

  it('answers an image caption', async () => {
    const { sender, handle } = setup([rule({})]);
    await handle(incoming({ type: 'image', text: 'ping' }));
    expect(sender.sent).toHaveLength(1);
  });

  it('keeps a rule quiet in a chat during its cooldown, but not in another chat', async () => {
    const { sender, handle } = setup([rule({ cooldownSeconds: 60 })]);
    expect((await handle(incoming())).replied).toBe(true);
    expect(await handle(incoming())).toEqual({ replied: false, reason: 'cooldown' });
    expect((await handle(incoming({ chat: '6289999999999@s.whatsapp.net' }))).replied).toBe(true);
    expect(sender.sent).toHaveLength(2);
  });

  it('stops at the per-chat cap per minute', async () => {
    const { sender, handle } = setup([rule({})], { AUTO_REPLY_MAX_PER_CHAT_PER_MINUTE: 2 });
    expect((await handle(incoming())).replied).toBe(true);
    expect((await handle(incoming())).replied).toBe(true);
    expect(await handle(incoming())).toEqual({ replied: false, reason: 'rate_limit' });
    expect(sender.sent).toHaveLength(2);
  });

  it('a failed enqueue does not use up the cooldown', async () => {
    const { sender, handle } = setup([rule({ cooldownSeconds: 60 })]);
    sender.failNext = true;
    expect(await handle(incoming())).toEqual({ replied: false, reason: 'send_failed' });
    expect((await handle(incoming())).replied).toBe(true);
  });

  it('does nothing when AUTO_REPLY_ENABLED is false or no rule is enabled', async () => {
    const off = setup([rule({})], { AUTO_REPLY_ENABLED: false });
    expect(await off.handle(incoming())).toEqual({ replied: false, reason: 'disabled' });
    const disabled = setup([rule({ enabled: false })]);
    expect(await disabled.handle(incoming())).toEqual({ replied: false, reason: 'no_match' });
    expect([...off.sender.sent, ...disabled.sender.sent]).toEqual([]);
  });

  it('the event handler never throws, whatever fails', async () => {
    const { listener, sender } = setup([rule({})]);
    sender.enqueue = () => Promise.reject(new Error('boom'));
    await expect(
      listener.onMessageReceived(newEvent('message.received', 'default', incoming())),
    ).resolves.toBe(undefined);
    await expect(
      listener.onMessageReceived(
        newEvent('message.received', 'default', undefined as unknown as MessageView),
      ),
    ).resolves.toBe(undefined);
  });
});
