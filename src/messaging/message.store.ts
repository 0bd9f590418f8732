import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { all, get, run, runExpecting, Sql, SqlDatabase, SqlParam } from '../database/sql/sql';
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
 * The raw row -> entity mapping as one object literal, compiled once from the entity's columns: a history page
 * maps 50 rows of 35 columns, and a loop setting keys one by one cost more than the query itself (see
 * `compileRowBuilder` in the PostgreSQL adapter). The names are the entity metadata's, quoted by JSON.stringify.
 */
function compileFromRaw(columns: Column[]): (raw: Record<string, unknown>) => MessageEntity {
  const fields = columns.map((c) => {
    const value = `raw[${JSON.stringify(c.column)}]`;
    return `${JSON.stringify(c.property)}: ${c.boolean ? `Boolean(${value})` : `${value} ?? null`}`;
  });
  return new Function('raw', `return { ${fields.join(', ')} };`) as (
    raw: Record<string, unknown>,
  ) => MessageEntity;
}

/**
 * Data access for messages. Entities never leave the messaging module.
 *
 * The hot paths (storing incoming messages, the send queue, receipts) are statements of the SQL port
 * (`SqlDatabase`): the methods returning `Sql<...>` are parts of a transaction body (`yield*` them inside
 * `write()`), on either engine; reads for the API go through TypeORM or `read()`.
 */
@Injectable()
export class MessageStore {
  private readonly columns: Column[];
  private readonly insertColumns: Column[];
  private readonly insertSql: string;
  /** UPDATE statements by the shape of their patch (which columns, whether status is checked). */
  private readonly updates = new Map<string, { sql: string; columns: Column[] }>();

  constructor(
    @InjectRepository(MessageEntity) readonly repo: Repository<MessageEntity>,
    @InjectDataSource() dataSource: DataSource,
    private readonly sql: SqlDatabase,
  ) {
    this.columns = dataSource.getMetadata(MessageEntity).columns.map((c) => ({
      property: c.propertyName as keyof MessageEntity,
      column: c.databaseName,
      boolean: c.type === 'boolean',
    }));
    this.fromRaw = compileFromRaw(this.columns);
    this.insertColumns = this.columns.filter((c) => c.property !== 'seq');
    this.insertSql =
      `INSERT INTO messages (${this.insertColumns.map((c) => `"${c.column}"`).join(', ')}) ` +
      `VALUES (${this.insertColumns.map(() => '?').join(', ')}) ON CONFLICT DO NOTHING`;
  }

  /** Runs `body` as one write transaction (see `SqlDatabase.write`). */
  write<T>(body: () => Sql<T>): Promise<T> {
    return this.sql.write(body);
  }

  /** A raw row (snake_case columns; SQLite gives booleans as 0/1) as an entity. */
  private readonly fromRaw: (raw: Record<string, unknown>) => MessageEntity;

  /**
   * Inserts unless a unique key (WhatsApp id, Idempotency-Key) exists; returns whether the row was new (a row
   * already there is the rare case: see `runExpecting`).
   */
  *insert(row: Omit<MessageEntity, 'seq'>): Sql<boolean> {
    const values = this.insertColumns.map((c) => (row as MessageEntity)[c.property] ?? null) as SqlParam[];
    return (yield* runExpecting(this.insertSql, values, 1)) > 0;
  }

  /** Sets the given fields of one row; with `onlyIfStatus`, only while the row still has that status. */
  *update(seq: number, patch: Partial<MessageEntity>, onlyIfStatus?: MessageStatus): Sql<boolean> {
    const keys = Object.keys(patch) as (keyof MessageEntity)[];
    const shape = keys.join(',') + (onlyIfStatus ? '|status' : '');
    let update = this.updates.get(shape);
    if (!update) {
      const columns = keys.map((k) => this.columns.find((c) => c.property === k)!);
      const sql =
        `UPDATE messages SET ${columns.map((c) => `"${c.column}" = ?`).join(', ')} WHERE seq = ?` +
        (onlyIfStatus ? ' AND status = ?' : '');
      this.updates.set(shape, (update = { sql, columns }));
    }
    const values = keys.map((k) => patch[k] ?? null) as SqlParam[];
    values.push(seq);
    if (onlyIfStatus) values.push(onlyIfStatus);
    return (yield* run(update.sql, values)) > 0;
  }

  /** Replaces the details JSON of the message with this public id. */
  *setDetails(id: string, details: string | null): Sql<boolean> {
    return (yield* run(`UPDATE messages SET details = ? WHERE id = ?`, [details, id])) > 0;
  }

  /** Compare-and-swap claim of the session's oldest queued row: it becomes `sending` (attempts + 1). */
  *claimNext(sessionId: string): Sql<MessageEntity | null> {
    const raw = yield* get<Record<string, unknown>>(
      `UPDATE messages SET status = 'sending', attempts = attempts + 1
       WHERE seq = (SELECT seq FROM messages WHERE session_id = ? AND status = 'queued' ORDER BY seq LIMIT 1)
         AND status = 'queued'
       RETURNING *`,
      [sessionId],
    );
    return raw ? this.fromRaw(raw) : null;
  }

  /**
   * Claims the session's oldest queued rows in order, at most `limit` of them and, after the first, no more than
   * `maxBytes` of stored request (media sent as base64 is kept there): they become `sending` (attempts + 1).
   * The `status = 'queued'` test makes it a compare-and-swap on both engines (on PostgreSQL a concurrent claim
   * waits for the row lock, then finds the row taken).
   */
  *claimChunk(sessionId: string, limit: number, maxBytes: number): Sql<MessageEntity[]> {
    const rows = yield* all<Record<string, unknown>>(
      `UPDATE messages SET status = 'sending', attempts = attempts + 1
       WHERE seq IN (
         SELECT seq FROM (
           SELECT seq, SUM(COALESCE(LENGTH(request), 0)) OVER (ORDER BY seq) - COALESCE(LENGTH(request), 0) AS before
           FROM messages WHERE session_id = ? AND status = 'queued' ORDER BY seq LIMIT ?
         ) AS chunk WHERE before < ?
       ) AND status = 'queued'
       RETURNING *`,
      [sessionId, limit, maxBytes],
    );
    return rows.map((raw) => this.fromRaw(raw)).sort((a, b) => a.seq - b.seq);
  }

  /** The row of a WhatsApp message id in one direction (`in`, or `out` for what the account sent). */
  /** A group member's delivery or read receipt of a message we sent; a time once set stays. */
  *participantReceipt(messageId: string, participant: string, status: MessageStatus, at: number): Sql<void> {
    const read = status === 'read' || status === 'played' ? at : null;
    yield* run(
      `INSERT INTO message_receipts (message_id, participant, delivered_at, read_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (message_id, participant) DO UPDATE SET
         delivered_at = COALESCE(message_receipts.delivered_at, excluded.delivered_at),
         read_at = COALESCE(message_receipts.read_at, excluded.read_at)`,
      [messageId, participant, at, read],
    );
  }

  /** The group members' receipts of a message, oldest delivery first. */
  participantReceipts(
    messageId: string,
  ): Promise<{ participant: string; deliveredAt: number | null; readAt: number | null }[]> {
    return this.sql.read(function* () {
      const rows = yield* all<{ participant: string; delivered_at: unknown; read_at: unknown }>(
        `SELECT participant, delivered_at, read_at FROM message_receipts WHERE message_id = ?
          ORDER BY delivered_at, participant`,
        [messageId],
      );
      const ms = (v: unknown) => (v == null ? null : Number(v));
      return rows.map((r) => ({
        participant: r.participant,
        deliveredAt: ms(r.delivered_at),
        readAt: ms(r.read_at),
      }));
    });
  }

  *byWaId(sessionId: string, waMessageId: string, direction: 'in' | 'out'): Sql<MessageEntity | null> {
    const raw = yield* get<Record<string, unknown>>(
      `SELECT * FROM messages WHERE session_id = ? AND wa_message_id = ? AND direction = ?`,
      [sessionId, waMessageId, direction],
    );
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

  outgoingByWaId(sessionId: string, waMessageId: string): Promise<MessageEntity | null> {
    return this.sql.read(() => this.byWaId(sessionId, waMessageId, 'out'));
  }

  /** After a crash, rows caught mid-send go back to the queue (they are resent with the same WhatsApp id). */
  async requeueInterrupted(): Promise<number> {
    const r = await this.repo.update({ status: 'sending' }, { status: 'queued' });
    return r.affected ?? 0;
  }

  /** Rows of one session caught mid-send by its previous owner, queued again (inside a write). */
  *requeueSession(sessionId: string): Sql<number> {
    return yield* run(`UPDATE messages SET status = 'queued' WHERE session_id = ? AND status = 'sending'`, [
      sessionId,
    ]);
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
   * One page of history, newest first. A time window becomes a seq range first: rows are inserted in time
   * order (created_at is the insert time), so the database walks the seq index over just that range instead of
   * sorting the window. The unary + keeps SQLite's planner on the seq-ordered indexes; the created_at tests
   * still apply to the rows in the range.
   */
  history(sessionId: string, f: HistoryFilter): Promise<MessageEntity[]> {
    return this.sql.read(() => this.historyPage(sessionId, f));
  }

  private *historyPage(sessionId: string, f: HistoryFilter): Sql<MessageEntity[]> {
    const where = ['session_id = ?'];
    const params: SqlParam[] = [sessionId];
    const add = (clause: string, ...values: SqlParam[]) => {
      where.push(clause);
      params.push(...values);
    };
    if (f.chat) add('chat_jid = ?', f.chat);
    if (f.direction) add('direction = ?', f.direction);
    if (f.status) add('status = ?', f.status);
    if (f.since != null) {
      add('seq >= ?', (yield* this.firstSeqAtOrAfter(sessionId, f.since)) ?? Number.MAX_SAFE_INTEGER);
      add('+created_at >= ?', f.since);
    }
    if (f.until != null) {
      const to = yield* this.firstSeqAtOrAfter(sessionId, f.until);
      if (to != null) add('seq < ?', to);
      add('+created_at < ?', f.until);
    }
    if (f.beforeSeq != null) add('seq < ?', f.beforeSeq);
    const sql = `SELECT * FROM messages WHERE ${where.join(' AND ')} ORDER BY seq DESC LIMIT ?`;
    const rows = yield* all<Record<string, unknown>>(sql, [...params, f.limit]);
    return rows.map((r) => this.fromRaw(r));
  }

  private *firstSeqAtOrAfter(sessionId: string, at: number): Sql<number | null> {
    const row = yield* get<{ seq: number }>(
      'SELECT seq FROM messages WHERE session_id = ? AND created_at >= ? ORDER BY created_at ASC LIMIT 1',
      [sessionId, at],
    );
    return row?.seq ?? null;
  }
}
