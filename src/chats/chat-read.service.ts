import { Injectable } from '@nestjs/common';
import { NotFoundError } from '../common/errors/domain-error';
import { MessageStore } from '../messaging/message.store';
import { fieldToJid } from '../messaging/recipient';
import { SessionsFacade } from '../whatsapp/sessions/sessions.facade';
import type { ChatReadView } from './dto/chats.dto';
import { engineCall } from './engine-call';

/** Read receipts go to WhatsApp in chunks of this many message ids. */
const RECEIPT_CHUNK = 200;

/**
 * Marks a chat's incoming messages read: WhatsApp gets read receipts (the sender sees the blue ticks), and the
 * rows remember it (`read_by_me_at`), so the next call marks only what arrived or stayed unread since.
 */
@Injectable()
export class ChatReadService {
  constructor(
    private readonly store: MessageStore,
    private readonly sessions: SessionsFacade,
  ) {}

  async markRead(sessionId: string, chatId: string, upTo?: string): Promise<ChatReadView> {
    const chat = fieldToJid(chatId, 'chatId');
    const conn = this.sessions.connection(sessionId);
    let upToSeq: number | undefined;
    if (upTo !== undefined) {
      const row = await this.store.find(sessionId, upTo);
      if (!row || row.chatJid !== chat) throw new NotFoundError('Message', upTo);
      upToSeq = row.seq;
    }
    const rows = (await this.store.unreadIncoming(sessionId, chat, upToSeq)).filter((r) => r.waMessageId);
    for (let i = 0; i < rows.length; i += RECEIPT_CHUNK) {
      const chunk = rows.slice(i, i + RECEIPT_CHUNK);
      await engineCall('Read receipt', () =>
        conn.markRead(
          chat,
          chunk.map((r) => ({
            waMessageId: r.waMessageId!,
            participantJid: r.chatType === 'group' ? r.senderJid : null,
          })),
        ),
      );
      await this.store.markReadByMe(
        chunk.map((r) => r.seq),
        Date.now(),
      );
    }
    return {
      session: sessionId,
      chat,
      count: rows.length,
      ids: rows.map((r) => r.id),
      waMessageIds: rows.map((r) => r.waMessageId!),
    };
  }
}
