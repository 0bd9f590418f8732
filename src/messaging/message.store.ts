import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
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

/** Data access for messages. Entities never leave the messaging module. */
@Injectable()
export class MessageStore {
  constructor(
    @InjectRepository(MessageEntity) readonly repo: Repository<MessageEntity>,
    @InjectDataSource() readonly dataSource: DataSource,
  ) {}

  transaction<T>(fn: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(fn);
  }

  /**
   * Inserts unless a row with the same unique key (WhatsApp id, Idempotency-Key) exists; returns whether it was
   * inserted (from the statement's changed-row count: no second query). Runs inside a transaction.
   */
  async insertIfNew(em: EntityManager, row: Partial<MessageEntity>): Promise<boolean> {
    const [sql, params] = em
      .createQueryBuilder()
      .insert()
      .into(MessageEntity)
      .values(row)
      .orIgnore()
      .getQueryAndParameters();
    const runner = em.queryRunner ?? this.dataSource.createQueryRunner();
    const result = await runner.query(sql, params, true);
    return (result.affected ?? 0) > 0;
  }

  /**
   * The send route's hot path: one prepared INSERT OR IGNORE in autocommit (no outbox rows are written when a
   * message is queued), returning whether the row was new. Built once from the entity's column metadata.
   */
  insertQueued(row: Omit<MessageEntity, 'seq'>): boolean {
    if (!this.insertStatement) {
      const columns = this.dataSource
        .getMetadata(MessageEntity)
        .columns.filter((c) => c.propertyName !== 'seq');
      this.insertColumns = columns.map((c) => c.propertyName as keyof MessageEntity);
      const db = (this.dataSource.driver as any).databaseConnection;
      this.insertStatement = db.prepare(
        `INSERT OR IGNORE INTO messages (${columns.map((c) => `"${c.databaseName}"`).join(', ')}) ` +
          `VALUES (${columns.map(() => '?').join(', ')})`,
      );
    }
    const values = this.insertColumns!.map((k) => {
      const v = (row as MessageEntity)[k];
      return typeof v === 'boolean' ? (v ? 1 : 0) : (v ?? null);
    });
    return this.insertStatement.run(...values).changes > 0;
  }

  private insertStatement: any;
  private insertColumns?: (keyof MessageEntity)[];

  byIdempotencyKey(sessionId: string, key: string): Promise<MessageEntity | null> {
    return this.repo.findOneBy({ sessionId, idempotencyKey: key });
  }

  bySeq(seq: number): Promise<MessageEntity | null> {
    return this.repo.findOneBy({ seq });
  }

  /** Our id, or a WhatsApp id (outgoing first). */
  async find(sessionId: string, id: string): Promise<MessageEntity | null> {
    if (id.startsWith('msg_')) return this.repo.findOneBy({ sessionId, id });
    return this.repo.findOne({ where: { sessionId, waMessageId: id }, order: { direction: 'DESC' } });
  }

  outgoingByWaId(sessionId: string, waMessageId: string): Promise<MessageEntity | null> {
    return this.repo.findOneBy({ sessionId, waMessageId, direction: 'out' });
  }

  nextQueued(sessionId: string): Promise<MessageEntity | null> {
    return this.repo.findOne({ where: { sessionId, status: 'queued' }, order: { seq: 'ASC' } });
  }

  /** Compare-and-swap: only a `queued` row becomes `sending`. */
  async claim(seq: number): Promise<boolean> {
    const r = await this.repo
      .createQueryBuilder()
      .update()
      .set({ status: 'sending', attempts: () => 'attempts + 1' })
      .where('seq = :seq AND status = :status', { seq, status: 'queued' })
      .execute();
    return (r.affected ?? 0) > 0;
  }

  async requeue(seq: number): Promise<void> {
    await this.repo.update({ seq, status: 'sending' }, { status: 'queued' });
  }

  /** After a crash, rows caught mid-send go back to the queue (they are resent with the same WhatsApp id). */
  async requeueInterrupted(): Promise<number> {
    const r = await this.repo.update({ status: 'sending' }, { status: 'queued' });
    return r.affected ?? 0;
  }

  sessionsWithQueue(): Promise<string[]> {
    return this.repo
      .createQueryBuilder('m')
      .select('DISTINCT m.session_id', 'sessionId')
      .where("m.status IN ('queued', 'sending')")
      .getRawMany()
      .then((rows) => rows.map((r) => r.sessionId as string));
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

  async history(sessionId: string, f: HistoryFilter): Promise<MessageEntity[]> {
    const q = this.repo.createQueryBuilder('m').where('m.session_id = :sessionId', { sessionId });
    if (f.chat) q.andWhere('m.chat_jid = :chat', { chat: f.chat });
    if (f.direction) q.andWhere('m.direction = :direction', { direction: f.direction });
    if (f.status) q.andWhere('m.status = :status', { status: f.status });
    // A time window becomes a seq range first: rows are inserted in time order (created_at is the insert time),
    // so SQLite walks the seq index over just that range instead of sorting every row of the window. The unary +
    // keeps the planner on the seq index; the created_at tests still apply to the rows in the range.
    if (f.since != null) {
      const from = await this.firstSeqAtOrAfter(sessionId, f.since);
      q.andWhere('m.seq >= :fromSeq AND +m.created_at >= :since', {
        fromSeq: from ?? Number.MAX_SAFE_INTEGER,
        since: f.since,
      });
    }
    if (f.until != null) {
      const to = await this.firstSeqAtOrAfter(sessionId, f.until);
      if (to != null) q.andWhere('m.seq < :toSeq', { toSeq: to });
      q.andWhere('+m.created_at < :until', { until: f.until });
    }
    if (f.beforeSeq != null) q.andWhere('m.seq < :beforeSeq', { beforeSeq: f.beforeSeq });
    return q.orderBy('m.seq', 'DESC').limit(f.limit).getMany();
  }

  private async firstSeqAtOrAfter(sessionId: string, at: number): Promise<number | null> {
    const rows = await this.dataSource.query(
      'SELECT seq FROM messages WHERE session_id = ? AND created_at >= ? ORDER BY created_at ASC LIMIT 1',
      [sessionId, at],
    );
    return rows[0]?.seq ?? null;
  }
}
