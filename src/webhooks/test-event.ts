import { randomUUID } from 'node:crypto';
import type { MessageView } from '../messaging/message.view';

/** The example message that POST /api/webhook-endpoints/:id/test sends (a `message.received` MessageView). */
export function testMessage(now = new Date()): MessageView {
  const id = randomUUID().replace(/-/g, '');
  return {
    id: `msg_test_${id.slice(0, 16)}`,
    session: 'default',
    direction: 'in',
    waMessageId: `TEST${id.slice(0, 16).toUpperCase()}`,
    chat: '6281234567890@s.whatsapp.net',
    chatType: 'direct',
    fromMe: false,
    from: {
      phone: '6281234567890',
      lid: null,
      jid: '6281234567890@s.whatsapp.net',
      pushName: 'Webhook test',
    },
    type: 'text',
    text: 'This is a test event from your WhatsApp gateway',
    quotedMessageId: null,
    details: null,
    status: 'received',
    error: null,
    source: 'whatsapp',
    ruleId: null,
    timestamp: now.toISOString(),
    createdAt: now.toISOString(),
    sentAt: null,
    deliveredAt: null,
    readAt: null,
    failedAt: null,
    readByMeAt: null,
    editedAt: null,
    revokedAt: null,
  };
}
