import { Injectable } from '@nestjs/common';
import { all, get, run, Sql, SqlDatabase, SqlParam } from '../database/sql/sql';

/** One person of a session's directory. `phone` is digits, `lid` a JID (`…@lid`); times are epoch ms. */
export interface ContactRow {
  seq: number;
  sessionId: string;
  phone: string | null;
  lid: string | null;
  name: string | null;
  pushName: string | null;
  verifiedName: string | null;
  createdAt: number;
  updatedAt: number;
}

/** What was learnt about a person: at least one of `phone` / `lid`. Absent or null names are "not said". */
export interface ContactFacts {
  phone?: string | null;
  lid?: string | null;
  name?: string | null;
  pushName?: string | null;
  verifiedName?: string | null;
}

export interface Learnt {
  row: ContactRow;
  /** The row got its phone ↔ LID pair now (it had neither both, or another pair). */
  mapped: boolean;
}

export interface ContactPageQuery {
  afterSeq?: number;
  limit: number;
  /** Part of a name, push name or verified name (any case), of the phone digits, or of the LID. */
  search?: string;
}

const COLUMNS = `seq, session_id AS "sessionId", phone, lid, name, push_name AS "pushName",
  verified_name AS "verifiedName", created_at AS "createdAt", updated_at AS "updatedAt"`;

const NAMES = ['name', 'pushName', 'verifiedName'] as const;

/**
 * Data access for `contacts`, on the SQL port (either engine). One row per person: a person first known by
 * phone only or by LID only gets the other half when WhatsApp gives the mapping, and two rows that turn out to
 * be one person are merged (the older row stays, so cursors over `seq` neither skip nor repeat anyone).
 */
@Injectable()
export class ContactStore {
  constructor(private readonly sql: SqlDatabase) {}

  write<T>(body: () => Sql<T>): Promise<T> {
    return this.sql.write(body);
  }

  *byPhone(sessionId: string, phone: string): Sql<ContactRow | undefined> {
    return normalize(
      yield* get<ContactRow>(`SELECT ${COLUMNS} FROM contacts WHERE session_id = ? AND phone = ?`, [
        sessionId,
        phone,
      ]),
    );
  }

  *byLid(sessionId: string, lid: string): Sql<ContactRow | undefined> {
    return normalize(
      yield* get<ContactRow>(`SELECT ${COLUMNS} FROM contacts WHERE session_id = ? AND lid = ?`, [
        sessionId,
        lid,
      ]),
    );
  }

  /**
   * Records what was learnt about a person (a statement of the caller's write transaction). Writes only when
   * something changed; answers the row as it is now and whether it was mapped now.
   */
  *learn(sessionId: string, facts: ContactFacts, now: number): Sql<Learnt | null> {
    const phone = facts.phone || null;
    const lid = facts.lid || null;
    if (!phone && !lid) return null;
    const byPhone = phone ? yield* this.byPhone(sessionId, phone) : undefined;
    const byLid = lid ? yield* this.byLid(sessionId, lid) : undefined;
    if (!byPhone && !byLid) {
      const row = { sessionId, phone, lid, ...names(facts, null, null), createdAt: now, updatedAt: now };
      const inserted = yield* get<{ seq: number }>(
        `INSERT INTO contacts (session_id, phone, lid, name, push_name, verified_name, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq`,
        [sessionId, phone, lid, row.name, row.pushName, row.verifiedName, now, now],
      );
      return { row: { seq: Number(inserted!.seq), ...row }, mapped: !!(phone && lid) };
    }
    let target = (byPhone ?? byLid)!;
    let other: ContactRow | undefined;
    if (byPhone && byLid && byPhone.seq !== byLid.seq) {
      [target, other] = byPhone.seq < byLid.seq ? [byPhone, byLid] : [byLid, byPhone];
      // Gone before the target takes its phone or LID (both are unique per session).
      yield* run(`DELETE FROM contacts WHERE seq = ?`, [other.seq]);
    }
    const next: ContactRow = {
      ...target,
      phone: phone ?? target.phone ?? other?.phone ?? null,
      lid: lid ?? target.lid ?? other?.lid ?? null,
      ...names(facts, target, other),
    };
    const changed = !!other || (['phone', 'lid', ...NAMES] as const).some((k) => next[k] !== target[k]);
    if (!changed) return { row: target, mapped: false };
    next.updatedAt = now;
    yield* run(
      `UPDATE contacts SET phone = ?, lid = ?, name = ?, push_name = ?, verified_name = ?, updated_at = ?
       WHERE seq = ?`,
      [next.phone, next.lid, next.name, next.pushName, next.verifiedName, now, target.seq],
    );
    const mapped = !!(next.phone && next.lid) && (next.phone !== target.phone || next.lid !== target.lid);
    return { row: next, mapped };
  }

  /** Gives the phone to the earlier messages of a sender known only by LID; answers how many. */
  *fillSenderPhone(sessionId: string, lid: string, phone: string): Sql<number> {
    return yield* run(
      `UPDATE messages SET sender_phone = ? WHERE session_id = ? AND sender_lid = ? AND sender_phone IS NULL`,
      [phone, sessionId, lid],
    );
  }

  /** A page of the directory in `seq` order (the order people became known). */
  page(sessionId: string, q: ContactPageQuery): Promise<ContactRow[]> {
    const where = ['session_id = ?'];
    const params: SqlParam[] = [sessionId];
    if (q.afterSeq !== undefined) {
      where.push('seq > ?');
      params.push(q.afterSeq);
    }
    if (q.search) {
      const pattern = `%${q.search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      where.push(
        `(LOWER(COALESCE(name, '')) LIKE ? ESCAPE '\\' OR LOWER(COALESCE(push_name, '')) LIKE ? ESCAPE '\\'
          OR LOWER(COALESCE(verified_name, '')) LIKE ? ESCAPE '\\' OR COALESCE(phone, '') LIKE ? ESCAPE '\\'
          OR COALESCE(lid, '') LIKE ? ESCAPE '\\')`,
      );
      params.push(pattern, pattern, pattern, pattern, pattern);
    }
    params.push(q.limit);
    return this.sql
      .read(() =>
        all<ContactRow>(
          `SELECT ${COLUMNS} FROM contacts WHERE ${where.join(' AND ')} ORDER BY seq LIMIT ?`,
          params,
        ),
      )
      .then((rows) => rows.map((r) => normalize(r)!));
  }

  /** The person with this phone (digits) or LID (`…@lid`), if known. */
  find(sessionId: string, who: { phone?: string; lid?: string }): Promise<ContactRow | undefined> {
    return this.sql.read(() =>
      who.lid ? this.byLid(sessionId, who.lid) : this.byPhone(sessionId, who.phone ?? ''),
    );
  }
}

/** The names after learning `facts`: what was said now wins, else what either row had. */
function names(
  facts: ContactFacts,
  target: ContactRow | null,
  other: ContactRow | null | undefined,
): Pick<ContactRow, (typeof NAMES)[number]> {
  const pick = (k: (typeof NAMES)[number]) => facts[k] || target?.[k] || other?.[k] || null;
  return { name: pick('name'), pushName: pick('pushName'), verifiedName: pick('verifiedName') };
}

/** bigint columns come back as numbers on both engines; seq may come back as a string from some drivers. */
function normalize(row: ContactRow | undefined): ContactRow | undefined {
  if (!row) return row;
  return { ...row, seq: Number(row.seq), createdAt: Number(row.createdAt), updatedAt: Number(row.updatedAt) };
}
