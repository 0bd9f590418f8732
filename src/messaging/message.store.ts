import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import type { Database, Statement } from 'better-sqlite3';
import { DataSource, Repository } from 'typeorm';
import { rawDb, writeTransaction } from '../database/serialized-transactions';
import { MessageEntity, MessageStatus } from './message.entity';

/** Status order: a receipt never moves a message backwards (a late "delivered" after "read" is ignored). */
export const STATUS_RANK: Record<MessageStatus, number> = {
  queued: 0,
  sending: 1,
  sent: 2,
  delivered: 3,
  read: 4,
  played: 5,
  failed: 6,
  received: 0,
};

export interface HistoryFilter {
  chat?: string;
  direction?: 'in' | 'out';
  status?: string;
  since?: number;
  until?: number;
  beforeSeq?: number;
  limit: number;
}

type Column = { property: keyof MessageEntity; column: string; boolean: boolean };

/**
 * Data access for messages. Entities never leave the messaging module.
 *
 * The hot paths (storing incoming messages, the send queue, receipts) use prepared statements on the raw
 * better-sqlite3 handle inside `write()`, a synchronous transaction that takes its turn with every other write;
 * reads for the API go through TypeORM.
 */
@Injectable()
export class MessageStore {
  private readonly columns: Column[];
  private readonly insertColumns: Column[];
  private readonly insertSql: string;
  private readonly statements = new Map<string, Statement>();
  /** UPDATE statements by the shape of their patch (which columns, whether status is checked). */
  private readonly updates = new Map<string, { statement: Statement; columns: Column[] }>();
  /** Statements that return whole rows as arrays, with the entity column of each position. */
  private readonly rowReaders = new Map<string, { statement: Statement; columns: Column[] }>();

  constructor(
    @InjectRepository(MessageEntity) readonly repo: Repository<MessageEntity>,
    @InjectDataSource() readonly dataSource: DataSource,
  ) {
    this.columns = dataSource.getMetadata(MessageEntity).columns.map((c) => ({
      property: c.propertyName as keyof MessageEntity,
      column: c.databaseName,
      boolean: c.type === 'boolean',
    }));
    this.insertColumns = this.columns.filter((c) => c.property !== 'seq');
    this.insertSql =
      `INSERT OR IGNORE INTO messages (${this.insertColumns.map((c) => `"${c.column}"`).join(', ')}) ` +
      `VALUES (${this.insertColumns.map(() => '?').join(', ')})`;
  }

  private get db(): Database {
    return rawDb(this.dataSource);
  }

  private stmt(sql: string): Statement {
    let s = this.statements.get(sql);
    if (!s) this.statements.set(sql, (s = this.db.prepare(sql)));
    return s;
  }

  /** Runs `fn` in one synchronous SQLite transaction (use the *Sync methods inside). */
  write<T>(fn: () => T): Promise<T> {
    return writeTransaction(this.dataSource, fn);
  }

  /** A raw row (snake_case columns, 0/1 booleans) as an entity. */
  private fromRaw(raw: Record<string, unknown>): MessageEntity {
    const row = {} as Record<string, unknown>;
    for (const c of this.columns)
      row[c.property] = c.boolean ? Boolean(raw[c.column]) : (raw[c.column] ?? null);
    return row as unknown as MessageEntity;
  }

  /** INSERT OR IGNORE on the unique keys (WhatsApp id, Idempotency-Key); returns whether the row was new. */
  insertSync(row: Omit<MessageEntity, 'seq'>): boolean {
    const values = this.insertColumns.map((c) => {
      const v = (row as MessageEntity)[c.property];
      return typeof v === 'boolean' ? (v ? 1 : 0) : (v ?? null);
    });
    return this.stmt(this.insertSql).run(...values).changes > 0;
  }

  /** Sets the given fields of one row; with `onlyIfStatus`, only while the row still has that status. */
  updateSync(seq: number, patch: Partial<MessageEntity>, onlyIfStatus?: MessageStatus): boolean {
    const keys = Object.keys(patch) as (keyof MessageEntity)[];
    const shape = keys.join(',') + (onlyIfStatus ? '|status' : '');
    let update = this.updates.get(shape);
    if (!update) {
      const columns = keys.map((k) => this.columns.find((c) => c.property === k)!);
      const sql =
        `UPDATE messages SET ${columns.map((c) => `"${c.column}" = ?`).join(', ')} WHERE seq = ?` +
        (onlyIfStatus ? ' AND status = ?' : '');
      this.updates.set(shape, (update = { statement: this.stmt(sql), columns }));
    }
    const values: unknown[] = keys.map((k) => {
      const v = patch[k];
      return typeof v === 'boolean' ? (v ? 1 : 0) : (v ?? null);
    });
    values.push(seq);
    if (onlyIfStatus) values.push(onlyIfStatus);
    return update.statement.run(...values).changes > 0;
  }

  /** Compare-and-swap claim of the session's oldest queued row: it becomes `sending` (attempts + 1). */
  claimNextSync(sessionId: string): MessageEntity | null {
    const { statement, columns } = this.rowReader(
      `UPDATE messages SET status = 'sending', attempts = attempts + 1
       WHERE seq = (SELECT seq FROM messages WHERE session_id = ? AND status = 'queued' ORDER BY seq LIMIT 1)
         AND status = 'queued'
       RETURNING *`,
    );
    const values = statement.get(sessionId) as unknown[] | undefined;
    return values ? this.fromValues(values, columns) : null;
  }

  private fromValues(values: unknown[], columns: Column[]): MessageEntity {
    const row = {} as Record<string, unknown>;
    for (let i = 0; i < columns.length; i++) {
      const c = columns[i];
      row[c.property] = c.boolean ? Boolean(values[i]) : (values[i] ?? null);
    }
    return row as unknown as MessageEntity;
  }

  /**
   * Claims the session's oldest queued rows in order, at most `limit` of them and, after the first, no more than
   * `maxBytes` of stored request (media sent as base64 is kept there): they become `sending` (attempts + 1).
   */
  claimChunkSync(sessionId: string, limit: number, maxBytes: number): MessageEntity[] {
    const { statement, columns } = this.rowReader(
      `UPDATE messages SET status = 'sending', attempts = attempts + 1
       WHERE seq IN (
         SELECT seq FROM (
           SELECT seq, SUM(COALESCE(LENGTH(request), 0)) OVER (ORDER BY seq) - COALESCE(LENGTH(request), 0) AS before
           FROM messages WHERE session_id = ? AND status = 'queued' ORDER BY seq LIMIT ?
         ) WHERE before < ?
       ) AND status = 'queued'
       RETURNING *`,
    );
    const rows = (statement.all(sessionId, limit, maxBytes) as unknown[][]).map((values) =>
      this.fromValues(values, columns),
    );
    return rows.sort((a, b) => a.seq - b.seq);
  }

  /**
   * A statement returning whole message rows as arrays (`raw` mode): better-sqlite3 then does not build an
   * object keyed by column name for each row only for `fromRaw` to copy it into another.
   */
  private rowReader(sql: string): { statement: Statement; columns: Column[] } {
    let reader = this.rowReaders.get(sql);
    if (!reader) {
      const statement = this.db.prepare(sql).raw(true);
      const columns = statement.columns().map((c) => this.columns.find((col) => col.column === c.name)!);
      this.rowReaders.set(sql, (reader = { statement, columns }));
    }
    return reader;
  }

  /** The row of a WhatsApp message id in one direction (`in`, or `out` for what the account sent). */
  byWaIdSync(sessionId: string, waMessageId: string, direction: 'in' | 'out'): MessageEntity | null {
    const raw = this.stmt(
      `SELECT * FROM messages WHERE session_id = ? AND wa_message_id = ? AND direction = ?`,
    ).get(sessionId, waMessageId, direction) as Record<string, unknown> | undefined;
    return raw ? this.fromRaw(raw) : null;
  }

  outgoingByWaIdSync(sessionId: string, waMessageId: string): MessageEntity | null {
    const raw = this.stmt(
      `SELECT * FROM messages WHERE session_id = ? AND wa_message_id = ? AND direction = 'out'`,
    ).get(sessionId, waMessageId) as Record<string, unknown> | undefined;
    return raw ? this.fromRaw(raw) : null;
  }

  byIdempotencyKey(sessionId: string, key: string): Promise<MessageEntity | null> {
    return this.repo.findOneBy({ sessionId, idempotencyKey: key });
  }

  /** Our id, or a WhatsApp id (outgoing first). */
  async find(sessionId: string, id: string): Promise<MessageEntity | null> {
    if (id.startsWith('msg_')) return this.repo.findOneBy({ sessionId, id });
    return this.repo.findOne({ where: { sessionId, waMessageId: id }, order: { direction: 'DESC' } });
  }

  /**
   * The chat's incoming messages the account has not marked read (`read_by_me_at` NULL), oldest first; with
   * `upToSeq`, only those up to and including that row.
   */
  unreadIncoming(sessionId: string, chatJid: string, upToSeq?: number): Promise<MessageEntity[]> {
    const q = this.repo
      .createQueryBuilder('m')
      .where("m.session_id = :sessionId AND m.chat_jid = :chatJid AND m.direction = 'in'", {
        sessionId,
        chatJid,
      })
      .andWhere('m.read_by_me_at IS NULL');
    if (upToSeq !== undefined) q.andWhere('m.seq <= :upToSeq', { upToSeq });
    return q.orderBy('m.seq', 'ASC').getMany();
  }

  /** Marks the rows read by the account at `at` (rows already marked keep their time); returns how many changed. */
  async markReadByMe(seqs: number[], at: number): Promise<number> {
    if (!seqs.length) return 0;
    const r = await this.repo
      .createQueryBuilder()
      .update(MessageEntity)
      .set({ readByMeAt: at })
      .where('seq IN (:...seqs)', { seqs })
      .andWhere('read_by_me_at IS NULL')
      .execute();
    return r.affected ?? 0;
  }

  async outgoingByWaId(sessionId: string, waMessageId: string): Promise<MessageEntity | null> {
    return this.outgoingByWaIdSync(sessionId, waMessageId);
  }

  /** After a crash, rows caught mid-send go back to the queue (they are resent with the same WhatsApp id). */
  async requeueInterrupted(): Promise<number> {
    const r = await this.repo.update({ status: 'sending' }, { status: 'queued' });
    return r.affected ?? 0;
  }

  async pendingCounts(): Promise<Map<string, number>> {
    const rows = await this.repo
      .createQueryBuilder('m')
      .select('m.session_id', 'sessionId')
      .addSelect('COUNT(*)', 'n')
      .where("m.status IN ('queued', 'sending')")
      .groupBy('m.session_id')
      .getRawMany();
    return new Map(rows.map((r) => [r.sessionId as string, Number(r.n)]));
  }

  async expired(now: number, limit: number): Promise<MessageEntity[]> {
    return this.repo
      .createQueryBuilder('m')
      .where("m.status = 'queued' AND m.expires_at < :now", { now })
      .limit(limit)
      .getMany();
  }

  /**
   * One page of history, newest first, on prepared statements (cached per filter shape). A time window becomes a
   * seq range first: rows are inserted in time order (created_at is the insert time), so SQLite walks the seq
   * index over just that range instead of sorting the window. The unary + keeps the planner on the seq-ordered
   * indexes; the created_at tests still apply to the rows in the range.
   */
  async history(sessionId: string, f: HistoryFilter): Promise<MessageEntity[]> {
    const where = ['session_id = ?'];
    const params: unknown[] = [sessionId];
    const add = (clause: string, ...values: unknown[]) => {
      where.push(clause);
      params.push(...values);
    };
    if (f.chat) add('chat_jid = ?', f.chat);
    if (f.direction) add('direction = ?', f.direction);
    if (f.status) add('status = ?', f.status);
    if (f.since != null) {
      add('seq >= ?', this.firstSeqAtOrAfter(sessionId, f.since) ?? Number.MAX_SAFE_INTEGER);
      add('+created_at >= ?', f.since);
    }
    if (f.until != null) {
      const to = this.firstSeqAtOrAfter(sessionId, f.until);
      if (to != null) add('seq < ?', to);
      add('+created_at < ?', f.until);
    }
    if (f.beforeSeq != null) add('seq < ?', f.beforeSeq);
    const sql = `SELECT * FROM messages WHERE ${where.join(' AND ')} ORDER BY seq DESC LIMIT ?`;
    const rows = this.stmt(sql).all(...params, f.limit) as Record<string, unknown>[];
    return rows.map((r) => this.fromRaw(r));
  }

  private firstSeqAtOrAfter(sessionId: string, at: number): number | null {
    const row = this.stmt(
      'SELECT seq FROM messages WHERE session_id = ? AND created_at >= ? ORDER BY created_at ASC LIMIT 1',
    ).get(sessionId, at) as { seq: number } | undefined;
    return row?.seq ?? null;
  }
}
