import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** `pending` until downloaded; then `available`, or `unavailable` (see `reason`); `expired` after retention. */
export type MediaStatus = 'pending' | 'available' | 'unavailable' | 'expired';

/** The file of one incoming media message (see the MediaFiles migration). */
@Entity('media_files')
@Index('ix_media_files_status_created', ['status', 'createdAt'])
@Index('ix_media_files_stored_at', ['storedAt'])
export class MediaFileEntity {
  @PrimaryColumn({ name: 'message_id', type: 'text' })
  messageId: string;

  @Column({ name: 'session_id', type: 'text' })
  sessionId: string;

  @Column({ type: 'text' })
  status: MediaStatus;

  /** Why it is unavailable: a MediaFailureReason. */
  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @Column({ type: 'text', nullable: true })
  error: string | null;

  /** The engine's MediaDownloadRef as JSON (holds the media key: never shown). */
  @Column({ type: 'text' })
  download: string;

  @Column({ name: 'storage_key', type: 'text', nullable: true })
  storageKey: string | null;

  @Column({ type: 'integer', nullable: true })
  size: number | null;

  /** Hex SHA-256 of the decrypted file. */
  @Column({ type: 'text', nullable: true })
  sha256: string | null;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Column({ name: 'created_at', type: 'bigint' })
  createdAt: number;

  @Column({ name: 'stored_at', type: 'bigint', nullable: true })
  storedAt: number | null;
}
