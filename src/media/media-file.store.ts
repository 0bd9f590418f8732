import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import type { Statement } from 'better-sqlite3';
import { DataSource, In, LessThan, Repository } from 'typeorm';
import { rawDb } from '../database/serialized-transactions';
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
 * Data access for `media_files`. The *Sync methods run inside the caller's open write transaction (the one that
 * stores the message, or that updates its details), on the raw better-sqlite3 handle; reads use TypeORM.
 */
@Injectable()
export class MediaFileStore {
  private readonly statements = new Map<string, Statement>();

  constructor(
    @InjectRepository(MediaFileEntity) private readonly repo: Repository<MediaFileEntity>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly cipher: FieldCipher,
  ) {}

  private stmt(sql: string): Statement {
    let s = this.statements.get(sql);
    if (!s) this.statements.set(sql, (s = rawDb(this.dataSource).prepare(sql)));
    return s;
  }

  /** Records the file of a message just stored, as `pending`; a row already there is kept. */
  insertPendingSync(messageId: string, sessionId: string, download: MediaDownloadRef, now: number): boolean {
    return (
      this.stmt(
        `INSERT OR IGNORE INTO media_files (message_id, session_id, status, download, attempts, created_at)
         VALUES (?, ?, 'pending', ?, 0, ?)`,
      ).run(messageId, sessionId, this.cipher.seal(JSON.stringify(download), context(messageId)), now)
        .changes > 0
    );
  }

  /** Sets the state; with `onlyIf`, only while the row has one of those states. Returns whether it changed. */
  settleSync(messageId: string, patch: MediaFilePatch, onlyIf?: MediaStatus[]): boolean {
    const sets = ['status = ?', 'reason = ?', 'error = ?'];
    const values: unknown[] = [patch.status, patch.reason ?? null, patch.error ?? null];
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
    return this.stmt(sql).run(...values).changes > 0;
  }

  /** Counts an attempt to download the file. */
  countAttemptSync(messageId: string): void {
    this.stmt(`UPDATE media_files SET attempts = attempts + 1 WHERE message_id = ?`).run(messageId);
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
