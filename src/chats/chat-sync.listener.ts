import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { ENGINE_CHATS, EngineChatsEvent } from '../whatsapp/sessions/engine-events';
import { ChatStore } from './chat.store';

/**
 * Keeps what WhatsApp's sync says about chats (archived, pinned, muted, name) in the `chats` table. WhatsApp
 * sends the whole state again after a new link and changes as they happen; one that could not be written is
 * logged and comes right with the next change of that chat.
 */
@Injectable()
export class ChatSyncListener {
  private readonly logger = new Logger(ChatSyncListener.name);

  constructor(private readonly store: ChatStore) {}

  @OnEvent(ENGINE_CHATS)
  onChats({ sessionId, chats }: EngineChatsEvent): void {
    this.store.sync(sessionId, chats, Date.now()).catch((err: Error) => {
      this.logger.error(`[${sessionId}] chat state from WhatsApp not stored: ${err.message}`);
    });
  }
}
