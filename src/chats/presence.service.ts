import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import type { DomainEvent } from '../events/domain-event';
import { fieldToJid } from '../messaging/recipient';
import type { ChatState, OwnPresence } from '../whatsapp/engine/engine.types';
import { SessionsFacade } from '../whatsapp/sessions/sessions.facade';
import type { ChatPresenceView, OwnPresenceView, SubscribePresenceView } from './dto/chats.dto';
import { engineCall } from './engine-call';
import { PresenceSubscriptions } from './presence-subscriptions';

/**
 * The account's typing indicator and online state, and subscriptions to other people's presence. WhatsApp ends
 * a subscription with its connection: the session subscribes again to the same people each time it connects.
 */
@Injectable()
export class PresenceService {
  private readonly logger = new Logger(PresenceService.name);
  private readonly subscriptions = new PresenceSubscriptions();

  constructor(private readonly sessions: SessionsFacade) {}

  async chatState(sessionId: string, chatId: string, state: ChatState): Promise<ChatPresenceView> {
    const chat = fieldToJid(chatId, 'chatId');
    const conn = this.sessions.connection(sessionId);
    await engineCall('Chat state', () => conn.sendChatState(chat, state));
    return { session: sessionId, chat, state };
  }

  async ownPresence(sessionId: string, state: OwnPresence): Promise<OwnPresenceView> {
    const conn = this.sessions.connection(sessionId);
    await engineCall('Presence update', () => conn.sendPresence(state));
    return { session: sessionId, state };
  }

  async subscribe(sessionId: string, chatId: string): Promise<SubscribePresenceView> {
    const chat = fieldToJid(chatId, 'chatId');
    const conn = this.sessions.connection(sessionId);
    await engineCall('Presence subscription', () => conn.subscribePresence(chat));
    this.subscriptions.add(sessionId, chat);
    return { session: sessionId, chat, subscribed: true };
  }

  @OnEvent('session.status')
  onSessionStatus(event: DomainEvent<{ session: string; status: string }>): void {
    const { session, status } = event.data;
    if (status === 'logged_out') this.subscriptions.clear(session);
    if (status !== 'connected') return;
    const conn = this.sessions.openConnection(session);
    const jids = this.subscriptions.of(session);
    if (!conn || !jids.length) return;
    void Promise.all(jids.map((jid) => conn.subscribePresence(jid))).catch((err: Error) =>
      this.logger.warn(`[${session}] subscribing again to presence failed: ${err.message}`),
    );
  }
}
