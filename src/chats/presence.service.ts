import { Injectable } from '@nestjs/common';
import { fieldToJid } from '../messaging/recipient';
import type { ChatState, OwnPresence } from '../whatsapp/engine/engine.types';
import { SessionsFacade } from '../whatsapp/sessions/sessions.facade';
import type { ChatPresenceView, OwnPresenceView, SubscribePresenceView } from './dto/chats.dto';
import { engineCall } from './engine-call';

/** The account's typing indicator and online state, and subscriptions to other people's presence. */
@Injectable()
export class PresenceService {
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
    return { session: sessionId, chat, subscribed: true };
  }
}
