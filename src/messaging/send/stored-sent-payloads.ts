import { Injectable } from '@nestjs/common';
import { SentPayloads } from '../../whatsapp/sessions/message-ports';
import { MessageStore } from '../message.store';

/** The payloads of sent messages, as stored with their rows when they were sent. */
@Injectable()
export class StoredSentPayloads extends SentPayloads {
  constructor(private readonly store: MessageStore) {
    super();
  }

  async find(sessionId: string, waMessageId: string): Promise<string | undefined> {
    const row = await this.store.outgoingByWaId(sessionId, waMessageId);
    return row?.waPayload ?? undefined;
  }
}
