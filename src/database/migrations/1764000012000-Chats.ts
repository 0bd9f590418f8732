import { MigrationInterface, QueryRunner } from 'typeorm';

/** SQL shared by both engines' migrations of this number (`t` names the chats row being updated). */
export const CHATS_SQL = {
  /** NEW joins its chat: the chat's newest message if it is newer, one more unread if incoming and unread. */
  join: (row: 'NEW') =>
    `INSERT INTO chats AS t (session_id, chat_jid, last_seq, last_at, unread_count, push_name)
     VALUES (${row}.session_id, ${row}.chat_jid, ${row}.seq, ${row}.created_at,
       CASE WHEN ${row}.direction = 'in' AND ${row}.read_by_me_at IS NULL THEN 1 ELSE 0 END,
       CASE WHEN ${row}.direction = 'in' AND ${row}.chat_type = 'direct' THEN ${row}.push_name END)
     ON CONFLICT (session_id, chat_jid) DO UPDATE SET
       last_seq = CASE WHEN t.last_seq IS NULL OR excluded.last_seq > t.last_seq THEN excluded.last_seq ELSE t.last_seq END,
       last_at = CASE WHEN t.last_seq IS NULL OR excluded.last_seq > t.last_seq THEN excluded.last_at ELSE t.last_at END,
       unread_count = t.unread_count + excluded.unread_count,
       push_name = COALESCE(excluded.push_name, t.push_name);`,
  /**
   * OLD leaves its chat: one unread fewer if it was, and if it was the newest message, the next newest takes
   * its place (an index probe on ix_messages_session_chat_seq; SET expressions see the row before the update).
   */
  leave: (row: 'OLD') =>
    `UPDATE chats SET
       unread_count = unread_count - CASE WHEN ${row}.direction = 'in' AND ${row}.read_by_me_at IS NULL THEN 1 ELSE 0 END,
       last_seq = CASE WHEN last_seq = ${row}.seq THEN (SELECT MAX(m.seq) FROM messages m
         WHERE m.session_id = ${row}.session_id AND m.chat_jid = ${row}.chat_jid) ELSE last_seq END,
       last_at = CASE WHEN last_seq = ${row}.seq THEN (SELECT m.created_at FROM messages m
         WHERE m.session_id = ${row}.session_id AND m.chat_jid = ${row}.chat_jid ORDER BY m.seq DESC LIMIT 1)
         ELSE last_at END
     WHERE session_id = ${row}.session_id AND chat_jid = ${row}.chat_jid;`,
  /** A message marked read (or unread again) by the account. */
  read: `UPDATE chats SET unread_count = unread_count + CASE WHEN NEW.read_by_me_at IS NULL THEN 1 ELSE -1 END
     WHERE session_id = NEW.session_id AND chat_jid = NEW.chat_jid;`,
  /** The rows of the messages already stored. */
  backfill: `INSERT INTO chats (session_id, chat_jid, last_seq, last_at, unread_count, push_name)
     SELECT m.session_id, m.chat_jid, m.seq, m.created_at,
       (SELECT COUNT(*) FROM messages u WHERE u.session_id = m.session_id AND u.chat_jid = m.chat_jid
         AND u.direction = 'in' AND u.read_by_me_at IS NULL),
       (SELECT p.push_name FROM messages p WHERE p.session_id = m.session_id AND p.chat_jid = m.chat_jid
         AND p.direction = 'in' AND p.chat_type = 'direct' AND p.push_name IS NOT NULL ORDER BY p.seq DESC LIMIT 1)
     FROM messages m
     WHERE m.seq = (SELECT MAX(x.seq) FROM messages x WHERE x.session_id = m.session_id AND x.chat_jid = m.chat_jid)`,
};

/**
 * `chats`: one row per (session, chat), for GET /api/sessions/:id/chats. Building the list from `messages` alone
 * (the newest row of every chat) reads every message of the session for each page; this table is kept by
 * triggers in the same transaction as every write to `messages` (whichever code path inserts, moves, deletes
 * or marks read), so a page is an index range scan however long the history is:
 *
 * - `last_seq`, `last_at`: the chat's newest message (its seq orders the list; NULL once it has none);
 * - `unread_count`: its incoming messages not marked read by the account (`read_by_me_at` NULL);
 * - `push_name`: the name the contact gave itself in its newest message (direct chats);
 * - `name`, `archived`, `pinned`, `muted_until`, `synced_at`: what WhatsApp's sync said (NULL: never said).
 */
export class Chats1764000012000 implements MigrationInterface {
  name = 'Chats1764000012000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "chats" (
      "session_id" text NOT NULL,
      "chat_jid" text NOT NULL,
      "last_seq" integer,
      "last_at" bigint,
      "unread_count" integer NOT NULL DEFAULT (0),
      "push_name" text,
      "name" text,
      "archived" boolean,
      "pinned" boolean,
      "muted_until" bigint,
      "synced_at" bigint,
      PRIMARY KEY ("session_id", "chat_jid")
    )`);
    await q.query(`CREATE INDEX "ix_chats_session_last_seq" ON "chats" ("session_id", "last_seq")`);
    await q.query(
      `CREATE INDEX "ix_chats_session_unread_last_seq" ON "chats" ("session_id", "last_seq") WHERE unread_count > 0`,
    );
    await q.query(`CREATE TRIGGER "tr_messages_chats_insert" AFTER INSERT ON "messages" BEGIN
      ${CHATS_SQL.join('NEW')}
    END`);
    await q.query(`CREATE TRIGGER "tr_messages_chats_move" AFTER UPDATE OF session_id, chat_jid, direction
      ON "messages"
      WHEN OLD.session_id IS NOT NEW.session_id OR OLD.chat_jid IS NOT NEW.chat_jid
        OR OLD.direction IS NOT NEW.direction
      BEGIN
      ${CHATS_SQL.leave('OLD')}
      ${CHATS_SQL.join('NEW')}
    END`);
    await q.query(`CREATE TRIGGER "tr_messages_chats_read" AFTER UPDATE OF read_by_me_at ON "messages"
      WHEN NEW.direction = 'in' AND (OLD.read_by_me_at IS NULL) <> (NEW.read_by_me_at IS NULL)
        AND OLD.session_id = NEW.session_id AND OLD.chat_jid = NEW.chat_jid AND OLD.direction = NEW.direction
      BEGIN
      ${CHATS_SQL.read}
    END`);
    await q.query(`CREATE TRIGGER "tr_messages_chats_delete" AFTER DELETE ON "messages" BEGIN
      ${CHATS_SQL.leave('OLD')}
    END`);
    await q.query(CHATS_SQL.backfill);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const name of [
      'tr_messages_chats_delete',
      'tr_messages_chats_read',
      'tr_messages_chats_move',
      'tr_messages_chats_insert',
    ])
      await q.query(`DROP TRIGGER "${name}"`);
    await q.query(`DROP TABLE "chats"`);
  }
}
