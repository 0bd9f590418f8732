import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { parseDetails, pollTally } from './changes/change-details';
import type { MessageEntity } from './message.entity';

export class MessageSenderView {
  @ApiProperty({ type: String, example: '6281234567890', nullable: true }) phone: string | null;
  @ApiProperty({ type: String, example: '100000000000001@lid', nullable: true }) lid: string | null;
  @ApiProperty({ type: String, example: '6281234567890@s.whatsapp.net', nullable: true }) jid: string | null;
  @ApiProperty({ type: String, example: 'Budi', nullable: true }) pushName: string | null;
}

/** A group member's receipts of a message we sent to the group. */
export class ParticipantReceiptView {
  @ApiProperty({ example: '6281234567890@s.whatsapp.net' }) participant: string;
  @ApiProperty({ type: String, nullable: true, example: '6281234567890' }) phone: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) deliveredAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) readAt: string | null;
}

/**
 * A message as the API, webhooks (`data` of message.received / message.sent) and Socket.IO show it.
 * Timestamps are ISO strings; `null` when the step has not happened.
 */
export class MessageView {
  @ApiProperty({ example: 'msg_01hx2q3w4e5r6t7y8u9i0o' }) id: string;
  @ApiProperty({ example: 'default' }) session: string;
  @ApiProperty({ enum: ['in', 'out'] }) direction: 'in' | 'out';
  @ApiProperty({
    type: String,
    example: '3EB0C431C26A1916E3F6',
    nullable: true,
    description: 'WhatsApp message id',
  })
  waMessageId: string | null;
  @ApiProperty({ example: '6281234567890@s.whatsapp.net' }) chat: string;
  @ApiProperty({ enum: ['direct', 'group', 'broadcast', 'newsletter'] }) chatType: string;
  @ApiProperty({ example: false, description: 'Sent by the linked account (from the API or from the phone)' })
  fromMe: boolean;
  @ApiProperty({ type: MessageSenderView, nullable: true }) from: MessageSenderView | null;
  @ApiProperty({ example: 'text' }) type: string;
  @ApiProperty({ type: String, example: 'Hello', nullable: true }) text: string | null;
  @ApiProperty({
    type: String,
    example: null,
    nullable: true,
    description: 'WhatsApp id of the quoted message',
  })
  quotedMessageId: string | null;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'Media metadata, location, reaction or contact card, by type',
    nullable: true,
  })
  details: Record<string, unknown> | null;
  @ApiProperty({ enum: ['queued', 'sending', 'sent', 'delivered', 'read', 'played', 'failed', 'received'] })
  status: string;
  @ApiProperty({ type: String, nullable: true, example: null }) error: string | null;
  @ApiProperty({ enum: ['api', 'seed', 'auto_reply', 'phone', 'whatsapp', 'injected'] }) source: string;
  @ApiProperty({
    type: String,
    nullable: true,
    example: null,
    description: 'Auto-reply rule that produced it',
  })
  ruleId: string | null;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    example: '2026-11-25T09:59:58.000Z',
    description: "WhatsApp's timestamp of the message (when it was sent), if it has been through WhatsApp",
  })
  timestamp: string | null;
  @ApiProperty({ example: '2026-11-25T10:00:00.000Z' }) createdAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) sentAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) deliveredAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) readAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) failedAt: string | null;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description:
      'Incoming: when the account marked it read (POST .../chats/:chatId/read); null while unread, and for outgoing',
  })
  readByMeAt: string | null;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    example: null,
    description: 'When its text was last edited; the earlier texts are in `details.edits`',
  })
  editedAt: string | null;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    example: null,
    description:
      'When it was deleted for everyone (its text and details are removed unless MESSAGES_KEEP_REVOKED_CONTENT)',
  })
  revokedAt: string | null;
  @ApiPropertyOptional({
    type: ParticipantReceiptView,
    isArray: true,
    description:
      'GET of one message sent to a group: each member whose receipt WhatsApp relayed (the status follows the ' +
      'first member)',
  })
  receipts?: ParticipantReceiptView[];
}

const iso = (ms: number | null) => (ms == null ? null : new Date(ms).toISOString());

export function toMessageView(m: MessageEntity): MessageView {
  return {
    id: m.id,
    session: m.sessionId,
    direction: m.direction,
    waMessageId: m.waMessageId,
    chat: m.chatJid,
    chatType: m.chatType,
    fromMe: m.fromMe,
    from:
      m.senderJid || m.senderPhone || m.senderLid
        ? { phone: m.senderPhone, lid: m.senderLid, jid: m.senderJid, pushName: m.pushName }
        : null,
    type: m.type,
    text: m.text,
    quotedMessageId: m.quotedMessageId,
    details: viewDetails(m),
    status: m.status,
    error: m.error,
    source: m.source,
    ruleId: m.ruleId,
    timestamp: m.waTimestamp == null ? null : iso(m.waTimestamp * 1000),
    createdAt: iso(m.createdAt) as string,
    sentAt: iso(m.sentAt),
    deliveredAt: iso(m.deliveredAt),
    readAt: iso(m.readAt),
    failedAt: iso(m.failedAt),
    readByMeAt: iso(m.readByMeAt ?? null),
    editedAt: iso(m.editedAt ?? null),
    revokedAt: iso(m.revokedAt ?? null),
  };
}

/** The details as shown: a poll's votes as its tally (options with counts and voters). */
function viewDetails(m: MessageEntity): Record<string, unknown> | null {
  const parsed = m.details ? (JSON.parse(m.details) as Record<string, unknown> | null) : null;
  if (!parsed?.poll) return parsed;
  const details = parseDetails(m);
  const { pollVotes, ...rest } = details;
  return { ...rest, poll: { ...details.poll, tally: pollTally(details), votes: pollVotes ?? [] } };
}

/** `data` of a `message.status` event. */
export interface MessageStatusEventData {
  id: string;
  session: string;
  waMessageId: string | null;
  chat: string;
  /**
   * The person of a direct chat: phone JID and digits, and LID, whichever are known (null in groups and
   * broadcasts).
   */
  recipient: { jid: string | null; phone: string | null; lid: string | null } | null;
  status: string;
  previousStatus: string;
  error: string | null;
  at: string;
  /** When the message was accepted (or, incoming, stored). */
  createdAt: string;
}
