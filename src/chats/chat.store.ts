import { Injectable } from '@nestjs/common';
import { all, get, run, Sql, SqlDatabase, SqlParam } from '../database/sql/sql';
import type { ChatSync } from '../whatsapp/engine/engine.types';

/** The newest message of a chat, as the chat list shows it. */
export interface LastMessageRow {
  seq: number;
  id: string;
  waMessageId: string | null;
  direction: 'in' | 'out';
  fromMe: boolean;
  chatType: string;
  type: string;
  text: string | null;
  status: string;
  createdAt: number;
  waTimestamp: number | null;
}

/** One row of the `chats` table with its newest message. */
export interface ChatRow {
  chatJid: string;
  lastSeq: number;
  lastAt: number;
  unreadCount: number;
  pushName: string | null;
  name: string | null;
  archived: boolean | null;
  pinned: boolean | null;
  mutedUntil: number | null;
  last: LastMessageRow;
}

/** Where a walk through the list stands: the newest message seq when it began, and the last key it showed. */
export interface ChatWalk {
  /** Messages up to this seq make the walk's order (the first page reads the newest seq). */
  snapshotSeq: number;
  /** The key (newest message seq, as of the snapshot) of the last chat shown; the next page is older. */
  beforeKey: number | null;
}

export interface ChatPage {
  rows: ChatRow[];
  /** The walk after this page, or null when it is at the end. */
  next: ChatWalk | null;
}

/** What WhatsApp's sync says about a chat; an undefined field is left as it is, null clears it. */
export type ChatSyncPatch = ChatSync;

/** Status broadcasts (stories) are not a chat. */
const STATUS_JID = 'status@broadcast';

/**
 * Reads the `chats` table (kept by triggers from `messages`, see migration 1764000012000) and writes what
 * WhatsApp's sync says about a chat.
 *
 * The list is ordered by each chat's newest message, by its `seq`: the order in which messages entered the
 * history, unique across chats, so the key needs no tie-breaker (the chat id would be one if it could tie).
 * A walk through the pages keeps the order of the moment its first page was read (the snapshot, a message
 * seq): a chat whose newest message came later is placed where its newest message up to the snapshot put it
 * (one index probe per such chat), so a page never repeats a chat shown earlier and never skips one, however
 * many messages arrive between pages; its row shows its current state. Chats whose first message came after
 * the snapshot belong to a new walk (a new first page). The snapshot assumes every message up to its seq is
 * committed when it is read: always so on SQLite (one writer, commits in seq order); on PostgreSQL two
 * concurrent inserts may commit out of seq order, and a chat whose message commits in that window (milliseconds)
 * after the first page was read can be missed by that walk, as a new chat would be.
 */
@Injectable()
export class ChatStore {
  constructor(private readonly sql: SqlDatabase) {}

  page(sessionId: string, walk: ChatWalk | null, limit: number, unreadOnly = false): Promise<ChatPage> {
    return this.sql.read(() => this.readPage(sessionId, walk, limit, unreadOnly));
  }

  /** Applies sync patches (upserts the chats; a chat without messages stays out of the list until it has one). */
  sync(sessionId: string, patches: ChatSyncPatch[], at: number): Promise<void> {
    return this.sql.write(() => this.writeSync(sessionId, patches, at));
  }

  private *writeSync(sessionId: string, patches: ChatSyncPatch[], at: number): Sql<void> {
    for (const p of patches) {
      const fields = (['name', 'archived', 'pinned', 'mutedUntil'] as const).filter(
        (k) => p[k] !== undefined,
      );
      if (!fields.length) continue;
      const column = { name: 'name', archived: 'archived', pinned: 'pinned', mutedUntil: 'muted_until' };
      const cols = fields.map((f) => column[f]);
      const values = fields.map((f) => (p[f] ?? null) as SqlParam);
      yield* run(
        `INSERT INTO chats (session_id, chat_jid, ${cols.join(', ')}, synced_at)
         VALUES (?, ?, ${cols.map(() => '?').join(', ')}, ?)
         ON CONFLICT (session_id, chat_jid) DO UPDATE SET
           ${cols.map((c) => `${c} = excluded.${c}`).join(', ')}, synced_at = excluded.synced_at`,
        [sessionId, p.chatJid, ...values, at],
      );
    }
  }

  private *readPage(
    sessionId: string,
    walk: ChatWalk | null,
    limit: number,
    unreadOnly: boolean,
  ): Sql<ChatPage> {
    const snapshot =
      walk?.snapshotSeq ??
      Number((yield* get<{ s: number | null }>('SELECT MAX(seq) AS s FROM messages'))?.s ?? 0);
    const before = walk?.beforeKey ?? null;
    const unread = unreadOnly ? ' AND unread_count > 0' : '';
    // Chats unchanged since the snapshot: their newest message is their key. Read first: a chat that changes
    // between the two statements is then found by the second (and deduplicated), never by neither.
    const unchanged = yield* all<{ chat_jid: string; k: number }>(
      `SELECT chat_jid, last_seq AS k FROM chats
       WHERE session_id = ? AND last_seq <= ?${before != null ? ' AND last_seq < ?' : ''}${unread}
         AND chat_jid <> ?
       ORDER BY last_seq DESC LIMIT ?`,
      [sessionId, snapshot, ...(before != null ? [before] : []), STATUS_JID, limit + 1],
    );
    // Chats with messages after the snapshot: their key is their newest message up to it (none: a new chat).
    const changed = yield* all<{ chat_jid: string; k: number | null }>(
      `SELECT c.chat_jid, (SELECT MAX(m.seq) FROM messages m
         WHERE m.session_id = c.session_id AND m.chat_jid = c.chat_jid AND m.seq <= ?) AS k
       FROM chats c WHERE c.session_id = ? AND c.last_seq > ?${unread} AND c.chat_jid <> ?`,
      [snapshot, sessionId, snapshot, STATUS_JID],
    );
    const keys = new Map<string, number>();
    for (const r of [...unchanged, ...changed]) {
      const k = r.k == null ? null : Number(r.k);
      if (k != null && (before == null || k < before)) keys.set(r.chat_jid, k);
    }
    const ordered = [...keys].sort((a, b) => b[1] - a[1]).slice(0, limit + 1);
    const shown = ordered.slice(0, limit);
    const rows = yield* this.rowsOf(
      sessionId,
      shown.map(([jid]) => jid),
    );
    return {
      rows: shown.map(([jid]) => rows.get(jid)).filter((r): r is ChatRow => r !== undefined),
      next: ordered.length > limit ? { snapshotSeq: snapshot, beforeKey: shown[shown.length - 1][1] } : null,
    };
  }

  /** The chats' rows with their newest message, by chat id. */
  private *rowsOf(sessionId: string, jids: string[]): Sql<Map<string, ChatRow>> {
    const byJid = new Map<string, ChatRow>();
    if (!jids.length) return byJid;
    const raws = yield* all<Record<string, unknown>>(
      `SELECT c.chat_jid, c.last_seq, c.last_at, c.unread_count, c.push_name, c.name, c.archived, c.pinned,
         c.muted_until, m.id, m.wa_message_id, m.direction, m.from_me, m.chat_type, m.type, m.text, m.status,
         m.created_at, m.wa_timestamp
       FROM chats c JOIN messages m ON m.seq = c.last_seq
       WHERE c.session_id = ? AND c.chat_jid IN (${jids.map(() => '?').join(', ')})`,
      [sessionId, ...jids],
    );
    const flag = (v: unknown) => (v == null ? null : Boolean(v));
    const num = (v: unknown) => (v == null ? null : Number(v));
    for (const r of raws) {
      byJid.set(r.chat_jid as string, {
        chatJid: r.chat_jid as string,
        lastSeq: Number(r.last_seq),
        lastAt: Number(r.last_at),
        unreadCount: Number(r.unread_count),
        pushName: (r.push_name as string | null) ?? null,
        name: (r.name as string | null) ?? null,
        archived: flag(r.archived),
        pinned: flag(r.pinned),
        mutedUntil: num(r.muted_until),
        last: {
          seq: Number(r.last_seq),
          id: r.id as string,
          waMessageId: (r.wa_message_id as string | null) ?? null,
          direction: r.direction as 'in' | 'out',
          fromMe: Boolean(r.from_me),
          chatType: r.chat_type as string,
          type: r.type as string,
          text: (r.text as string | null) ?? null,
          status: r.status as string,
          createdAt: Number(r.created_at),
          waTimestamp: num(r.wa_timestamp),
        },
      });
    }
    return byJid;
  }
}
