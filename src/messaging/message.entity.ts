import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type MessageDirection = 'in' | 'out';
export type MessageStatus =
  'queued' | 'sending' | 'sent' | 'delivered' | 'read' | 'played' | 'failed' | 'received';
export type MessageSource = 'api' | 'seed' | 'auto_reply' | 'phone' | 'whatsapp' | 'injected';

/**
 * One message, in or out. `seq` orders everything and drives cursor pagination; `id` is the public id.
 * Incoming messages are deduplicated on (session, WhatsApp id, direction); sends on (session, Idempotency-Key).
 */
@Entity('messages')
@Index('ux_messages_wa_id', ['sessionId', 'waMessageId', 'direction'], {
  unique: true,
  where: 'wa_message_id IS NOT NULL',
})
@Index('ux_messages_idempotency', ['sessionId', 'idempotencyKey'], {
  unique: true,
  where: 'idempotency_key IS NOT NULL',
})
@Index('ix_messages_session_seq', ['sessionId', 'seq'])
@Index('ix_messages_session_chat_seq', ['sessionId', 'chatJid', 'seq'])
@Index('ix_messages_session_status_seq', ['sessionId', 'status', 'seq'])
@Index('ix_messages_session_created', ['sessionId', 'createdAt'])
export class MessageEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  seq: number;

  @Column({ type: 'text', unique: true })
  id: string;

  @Column({ name: 'session_id', type: 'text' })
  sessionId: string;

  @Column({ type: 'text' })
  direction: MessageDirection;

  @Column({ name: 'wa_message_id', type: 'text', nullable: true })
  waMessageId: string | null;

  @Column({ name: 'chat_jid', type: 'text' })
  chatJid: string;

  @Column({ name: 'chat_type', type: 'text' })
  chatType: string;

  @Column({ name: 'from_me', type: 'boolean', default: false })
  fromMe: boolean;

  @Column({ name: 'sender_jid', type: 'text', nullable: true })
  senderJid: string | null;

  @Column({ name: 'sender_phone', type: 'text', nullable: true })
  senderPhone: string | null;

  @Column({ name: 'sender_lid', type: 'text', nullable: true })
  senderLid: string | null;

  @Column({ name: 'push_name', type: 'text', nullable: true })
  pushName: string | null;

  @Column({ type: 'text' })
  type: string;

  @Column({ type: 'text', nullable: true })
  text: string | null;

  @Column({ name: 'quoted_message_id', type: 'text', nullable: true })
  quotedMessageId: string | null;

  /** JSON: media metadata, location, reaction, contact card (what the API shows). */
  @Column({ type: 'text', nullable: true })
  details: string | null;

  /** JSON: the send request as accepted (outgoing only; media bytes are kept so a restart can still send). */
  @Column({ type: 'text', nullable: true })
  request: string | null;

  /** The engine's serialised message, for retry receipts. */
  @Column({ name: 'wa_payload', type: 'text', nullable: true })
  waPayload: string | null;

  @Column({ type: 'text' })
  status: MessageStatus;

  @Column({ type: 'text', nullable: true })
  error: string | null;

  @Column({ type: 'text' })
  source: MessageSource;

  @Column({ name: 'rule_id', type: 'text', nullable: true })
  ruleId: string | null;

  @Column({ name: 'idempotency_key', type: 'text', nullable: true })
  idempotencyKey: string | null;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Column({ name: 'created_at', type: 'integer' })
  createdAt: number;

  @Column({ name: 'wa_timestamp', type: 'integer', nullable: true })
  waTimestamp: number | null;

  @Column({ name: 'sent_at', type: 'integer', nullable: true })
  sentAt: number | null;

  @Column({ name: 'delivered_at', type: 'integer', nullable: true })
  deliveredAt: number | null;

  @Column({ name: 'read_at', type: 'integer', nullable: true })
  readAt: number | null;

  @Column({ name: 'failed_at', type: 'integer', nullable: true })
  failedAt: number | null;

  /** Incoming only: when the account sent its read receipt (null = unread). */
  @Column({ name: 'read_by_me_at', type: 'integer', nullable: true })
  readByMeAt: number | null;

  @Column({ name: 'expires_at', type: 'integer', nullable: true })
  expiresAt: number | null;

  /** When its text was last edited (the earlier texts are in `details.edits`). */
  @Column({ name: 'edited_at', type: 'integer', nullable: true })
  editedAt: number | null;

  /** When it was deleted for everyone. */
  @Column({ name: 'revoked_at', type: 'integer', nullable: true })
  revokedAt: number | null;

  /** A poll's secret (base64): its votes are encrypted with it. Never shown. */
  @Column({ name: 'message_secret', type: 'text', nullable: true })
  messageSecret: string | null;
}
