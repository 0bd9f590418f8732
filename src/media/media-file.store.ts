import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, LessThan, Repository } from 'typeorm';
import { run, Sql, SqlParam } from '../database/sql/sql';
import { FieldCipher, secretContext } from '../secrets/field-cipher';
import type { MediaDownloadRef } from '../whatsapp/engine/engine.types';
import { MediaFileEntity, MediaStatus } from './media-file.entity';

/** A change of a file's state (see settleSync). */
export interface MediaFilePatch {
  status: MediaStatus;
  reason?: string | null;
  error?: string | null;
  storageKey?: string | null;
  size?: number | null;
  sha256?: string | null;
  storedAt?: number | null;
}

/**
 * Data access for `media_files`. The methods returning `Sql<...>` are statements of the caller's write
 * transaction (the one that stores the message, or that updates its details: `yield*` them); reads use TypeORM.
 */
@Injectable()
export class MediaFileStore {
  constructor(
    @InjectRepository(MediaFileEntity) private readonly repo: Repository<MediaFileEntity>,
    private readonly cipher: FieldCipher,
  ) {}

  /** Records the file of a message just stored, as `pending`; a row already there is kept. */
  *insertPending(
    messageId: string,
    sessionId: string,
    download: MediaDownloadRef,
    now: number,
  ): Sql<boolean> {
    const changed = yield* run(
      `INSERT INTO media_files (message_id, session_id, status, download, attempts, created_at)
       VALUES (?, ?, 'pending', ?, 0, ?) ON CONFLICT DO NOTHING`,
      [messageId, sessionId, this.cipher.seal(JSON.stringify(download), context(messageId)), now],
    );
    return changed > 0;
  }

  /** Sets the state; with `onlyIf`, only while the row has one of those states. Returns whether it changed. */
  *settle(messageId: string, patch: MediaFilePatch, onlyIf?: MediaStatus[]): Sql<boolean> {
    const sets = ['status = ?', 'reason = ?', 'error = ?'];
    const values: SqlParam[] = [patch.status, patch.reason ?? null, patch.error ?? null];
    for (const [key, column] of [
      ['storageKey', 'storage_key'],
      ['size', 'size'],
      ['sha256', 'sha256'],
      ['storedAt', 'stored_at'],
    ] as const) {
      if (patch[key] !== undefined) {
        sets.push(`${column} = ?`);
        values.push(patch[key]);
      }
    }
    let sql = `UPDATE media_files SET ${sets.join(', ')} WHERE message_id = ?`;
    values.push(messageId);
    if (onlyIf?.length) {
      sql += ` AND status IN (${onlyIf.map(() => '?').join(', ')})`;
      values.push(...onlyIf);
    }
    return (yield* run(sql, values)) > 0;
  }

  /** Counts an attempt to download the file. */
  *countAttempt(messageId: string): Sql<void> {
    yield* run(`UPDATE media_files SET attempts = attempts + 1 WHERE message_id = ?`, [messageId]);
  }

  find(messageId: string): Promise<MediaFileEntity | null> {
    return this.repo.findOneBy({ messageId });
  }

  /** Files still to download, oldest first. */
  pending(limit: number): Promise<MediaFileEntity[]> {
    return this.repo.find({ where: { status: 'pending' }, order: { createdAt: 'ASC' }, take: limit });
  }

  /** Stored files kept since before `before` (ms), oldest first. */
  storedBefore(before: number, limit: number): Promise<MediaFileEntity[]> {
    return this.repo.find({
      where: { status: In(['available']), storedAt: LessThan(before) },
      order: { storedAt: 'ASC' },
      take: limit,
    });
  }

  /** What downloading the file takes (decrypted when DATA_ENCRYPTION_KEY is set). */
  downloadRefOf(row: MediaFileEntity): MediaDownloadRef {
    return JSON.parse(this.cipher.open(row.download, context(row.messageId))) as MediaDownloadRef;
  }
}

/** The media key is a secret: `download` is encrypted at rest like the other SECRET_COLUMNS. */
const context = (messageId: string) => secretContext('media_files', 'download', messageId);
