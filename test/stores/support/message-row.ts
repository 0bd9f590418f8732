import { randomUUID } from 'node:crypto';
import { MessageEntity } from '../../../src/messaging/message.entity';
import { MessageStore } from '../../../src/messaging/message.store';
import type { Connection } from '../../support/both-engines';

/** The MessageStore on a connection, as the messaging module builds it. */
export function messageStoreOn(c: Connection): MessageStore {
  return new MessageStore(c.dataSource.getRepository(MessageEntity), c.dataSource, c.sql);
}

/** A message row with every column set; `overrides` decide what the test is about. */
export function messageRow(overrides: Partial<MessageEntity> = {}): Omit<MessageEntity, 'seq'> {
  return {
    id: `msg_${randomUUID().replace(/-/g, '')}`,
    sessionId: 's1',
    direction: 'out',
    waMessageId: null,
    chatJid: '15550001111@s.whatsapp.net',
    chatType: 'direct',
    fromMe: true,
    senderJid: null,
    senderPhone: null,
    senderLid: null,
    pushName: null,
    type: 'text',
    text: 'hello',
    quotedMessageId: null,
    details: null,
    request: null,
    waPayload: null,
    status: 'queued',
    error: null,
    source: 'api',
    ruleId: null,
    idempotencyKey: null,
    attempts: 0,
    createdAt: Date.now(),
    waTimestamp: null,
    sentAt: null,
    deliveredAt: null,
    readAt: null,
    failedAt: null,
    readByMeAt: null,
    expiresAt: null,
    editedAt: null,
    revokedAt: null,
    messageSecret: null,
    ...overrides,
  };
}

/** Inserts the rows one transaction each, in order; answers whether each was new. */
export async function insertAll(store: MessageStore, rows: Omit<MessageEntity, 'seq'>[]): Promise<boolean[]> {
  const inserted: boolean[] = [];
  for (const row of rows) inserted.push(await store.write(() => store.insert(row)));
  return inserted;
}
