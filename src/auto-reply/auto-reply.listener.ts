import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { AppConfig } from '../config/app-config';
import type { DomainEvent } from '../events/domain-event';
import { MessageSender } from '../messaging/message-sender';
import type { MessageView } from '../messaging/message.view';
import { ReplyLimiter } from './reply-limiter';
import { AutoReplyRulesService } from './rules.service';

/** Message types whose text (or caption) rules look at; reactions, polls, contact cards etc. are never answered. */
const ANSWERABLE_TYPES = new Set(['text', 'image', 'video', 'document']);
const ANSWERABLE_CHATS = new Set(['direct', 'group']);

export type AutoReplyOutcome =
  | { replied: true; ruleId: string; messageId: string }
  | {
      replied: false;
      reason:
        | 'disabled'
        | 'own_message'
        | 'not_a_chat'
        | 'system'
        | 'stale'
        | 'no_text'
        | 'no_match'
        | 'cooldown'
        | 'rate_limit'
        | 'empty_reply'
        | 'send_failed';
    };

/**
 * Evaluates every `message.received` against the rules and answers through the send queue (pacing, idempotency
 * and status tracking apply), with `source: "auto_reply"` and the rule id. Never answers our own messages,
 * status broadcasts, channels or system messages, nor messages older than AUTO_REPLY_MAX_AGE_SECONDS (the
 * offline backlog WhatsApp hands over after a reconnect, or an old message fed in through the seed's receive
 * route with its original timestamp); per-chat cooldowns and a per-chat cap per minute stop
 * loops.
 */
@Injectable()
export class AutoReplyListener {
  private readonly logger = new Logger(AutoReplyListener.name);

  constructor(
    private readonly rules: AutoReplyRulesService,
    private readonly limiter: ReplyLimiter,
    private readonly config: AppConfig,
    private readonly sender: MessageSender,
  ) {}

  @OnEvent('message.received', { async: true, promisify: true })
  async onMessageReceived(event: DomainEvent<MessageView>): Promise<void> {
    try {
      const outcome = await this.handle(event);
      if (!outcome.replied && outcome.reason !== 'no_match' && outcome.reason !== 'own_message') {
        this.logger.debug(`No auto-reply to message ${event.data?.id} (${outcome.reason})`);
      }
    } catch (err) {
      this.logger.error(`Auto-reply to message ${event.data?.id} failed: ${(err as Error).message}`);
    }
  }

  /** Decides and, when a rule fires, queues the reply. Exposed for tests; the event handler above calls it. */
  async handle(event: DomainEvent<MessageView>): Promise<AutoReplyOutcome> {
    const msg = event.data;
    if (!this.config.AUTO_REPLY_ENABLED) return { replied: false, reason: 'disabled' };
    if (msg.direction !== 'in' || msg.fromMe) return { replied: false, reason: 'own_message' };
    if (!ANSWERABLE_CHATS.has(msg.chatType) || /@(broadcast|newsletter)$/.test(msg.chat)) {
      return { replied: false, reason: 'not_a_chat' };
    }
    if (msg.details?.system === true) return { replied: false, reason: 'system' };
    // WhatsApp's timestamp, or the one given to POST /api/whatsapp/receive (the time of the message there too).
    if (msg.timestamp) {
      const age = Date.now() - Date.parse(msg.timestamp);
      if (age > this.config.AUTO_REPLY_MAX_AGE_SECONDS * 1000) return { replied: false, reason: 'stale' };
    }
    if (!ANSWERABLE_TYPES.has(msg.type) || !msg.text?.trim()) return { replied: false, reason: 'no_text' };

    const session = msg.session;
    const decision = await this.rules.evaluate({
      session,
      chatType: msg.chatType,
      chat: msg.chat,
      text: msg.text,
      pushName: msg.from?.pushName ?? null,
      phone: msg.from?.phone ?? null,
    });
    if (!decision) return { replied: false, reason: 'no_match' };
    const { rule, reply } = decision;
    if (!reply.trim()) return { replied: false, reason: 'empty_reply' };

    const slot = this.limiter.acquire(`${session}\u0000${msg.chat}`, rule.id, rule.cooldownSeconds);
    if (!slot.ok) {
      if (slot.reason === 'rate_limit') {
        this.logger.warn(
          `Auto-reply limit of ${this.config.AUTO_REPLY_MAX_PER_CHAT_PER_MINUTE}/min reached for a chat of ` +
            `session ${session}; rule ${rule.id} not sent for message ${msg.id}`,
        );
      }
      return { replied: false, reason: slot.reason };
    }
    try {
      const sent = await this.sender.enqueue(
        session,
        msg.chat,
        { type: 'text', text: reply },
        { source: 'auto_reply', ruleId: rule.id, idempotencyKey: `auto-reply:${msg.id}` },
      );
      this.logger.log(
        `Auto-reply rule ${rule.id} answered message ${msg.id} in session ${session} (${sent.id})`,
      );
      // The reply's text is a field: written only when LOG_PII allows it.
      this.logger.debug({ msg: `Auto-reply to ${msg.chat}`, text: reply });
      return { replied: true, ruleId: rule.id, messageId: sent.id };
    } catch (err) {
      slot.release();
      this.logger.warn(
        `Auto-reply rule ${rule.id} could not queue its reply to message ${msg.id} in session ${session}: ` +
          (err as Error).message,
      );
      return { replied: false, reason: 'send_failed' };
    }
  }
}
