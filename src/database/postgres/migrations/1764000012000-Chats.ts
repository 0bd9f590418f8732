import { MigrationInterface, QueryRunner } from 'typeorm';
import { CHATS_SQL } from '../../migrations/1764000012000-Chats';

/**
 * PostgreSQL: as SQLite's migration of the same number (the `chats` table, kept by triggers in the same
 * transaction as every write to `messages`), the triggers as one PL/pgSQL function with the same names.
 */
export class Chats1764000012000 implements MigrationInterface {
  name = 'Chats1764000012000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "chats" (
      "session_id" text NOT NULL,
      "chat_jid" text NOT NULL,
      "last_seq" bigint,
      "last_at" bigint,
      "unread_count" integer NOT NULL DEFAULT 0,
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
    await q.query(`CREATE FUNCTION "messages_chats"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          ${CHATS_SQL.join('NEW')}
        ELSIF TG_OP = 'DELETE' THEN
          ${CHATS_SQL.leave('OLD')}
        ELSIF TG_ARGV[0] = 'read' THEN
          ${CHATS_SQL.read}
        ELSE
          ${CHATS_SQL.leave('OLD')}
          ${CHATS_SQL.join('NEW')}
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER "tr_messages_chats_insert" AFTER INSERT ON "messages"
      FOR EACH ROW EXECUTE FUNCTION "messages_chats"()`);
    await q.query(`CREATE TRIGGER "tr_messages_chats_move" AFTER UPDATE OF session_id, chat_jid, direction
      ON "messages" FOR EACH ROW
      WHEN (OLD.session_id IS DISTINCT FROM NEW.session_id OR OLD.chat_jid IS DISTINCT FROM NEW.chat_jid
        OR OLD.direction IS DISTINCT FROM NEW.direction)
      EXECUTE FUNCTION "messages_chats"('move')`);
    await q.query(`CREATE TRIGGER "tr_messages_chats_read" AFTER UPDATE OF read_by_me_at ON "messages"
      FOR EACH ROW
      WHEN (NEW.direction = 'in' AND (OLD.read_by_me_at IS NULL) <> (NEW.read_by_me_at IS NULL)
        AND OLD.session_id = NEW.session_id AND OLD.chat_jid = NEW.chat_jid AND OLD.direction = NEW.direction)
      EXECUTE FUNCTION "messages_chats"('read')`);
    await q.query(`CREATE TRIGGER "tr_messages_chats_delete" AFTER DELETE ON "messages"
      FOR EACH ROW EXECUTE FUNCTION "messages_chats"()`);
    await q.query(CHATS_SQL.backfill);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION "messages_chats"() CASCADE`);
    await q.query(`DROP TABLE "chats"`);
  }
}
