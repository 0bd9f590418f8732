import { Injectable } from '@nestjs/common';
import { BadRequestError } from '../common/errors/domain-error';
import type { MessagePage } from '../messaging/dto/list-messages.query';
import { MessagesService } from '../messaging/messages.service';
import { fieldToJid } from '../messaging/recipient';
import { SessionNotFound } from '../whatsapp/sessions/session.errors';
import { SessionsFacade } from '../whatsapp/sessions/sessions.facade';
import { decodeChatCursor, encodeChatCursor } from './chat-cursor';
import { ChatStore } from './chat.store';
import { toChatView } from './chat.view';
import type { ChatMessagesQuery, ChatPageView, ListChatsQuery } from './dto/chat-list.dto';

/** The chat list, and one chat's messages (the message history's pages, for that chat). */
@Injectable()
export class ChatListService {
  constructor(
    private readonly store: ChatStore,
    private readonly messages: MessagesService,
    private readonly sessions: SessionsFacade,
  ) {}

  async list(sessionId: string, q: ListChatsQuery): Promise<ChatPageView> {
    if (!this.sessions.has(sessionId)) throw new SessionNotFound(sessionId);
    const walk = q.cursor ? decodeChatCursor(q.cursor) : null;
    if (q.cursor && !walk)
      throw new BadRequestError('Invalid cursor', 'cursor must be a nextCursor value from a previous page');
    const page = await this.store.page(sessionId, walk, q.limit ?? 50, q.unread === 'true');
    const now = Date.now();
    return {
      items: page.rows.map((r) => toChatView(r, now)),
      nextCursor: page.next ? encodeChatCursor(page.next) : null,
    };
  }

  messagesOf(sessionId: string, chatId: string, q: ChatMessagesQuery): Promise<MessagePage> {
    const chat = fieldToJid(chatId, 'chatId');
    return this.messages.list(sessionId, { ...q, chat });
  }
}
