import type { OutgoingContent } from '../whatsapp/engine/engine.types';
import type { MessageSource } from './message.entity';
import type { MessageView } from './message.view';

export interface EnqueueOptions {
  source: MessageSource;
  /** Same key, same session: the first message is returned and nothing is sent twice. */
  idempotencyKey?: string;
  /** WhatsApp id of the message to quote. */
  quotedMessageId?: string;
  ruleId?: string;
}

/**
 * The send queue's entry point, for other modules (auto-reply, the seed route). The class is the DI token;
 * `MessageQueueService` implements it. The message is stored `queued` before this resolves and then sent by
 * the session's paced queue.
 */
export abstract class MessageSender {
  /** `to`: digits with country code, or a full JID. */
  abstract enqueue(
    sessionId: string,
    to: string,
    content: OutgoingContent,
    options: EnqueueOptions,
  ): Promise<MessageView>;
}
