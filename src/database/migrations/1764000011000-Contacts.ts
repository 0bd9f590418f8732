import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `contacts`: each session's directory of people, one row per person, known by phone number, by LID, or (once
 * WhatsApp gave the mapping) both; with the names WhatsApp gave. `seq` orders the directory for cursors.
 * `ix_messages_session_sender_lid` finds a LID-only sender's earlier messages when the phone number arrives.
 */
export class Contacts1764000011000 implements MigrationInterface {
  name = 'Contacts1764000011000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "contacts" (
        "seq" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
        "session_id" text NOT NULL,
        "phone" text,
        "lid" text,
        "name" text,
        "push_name" text,
        "verified_name" text,
        "created_at" bigint NOT NULL,
        "updated_at" bigint NOT NULL
      )`,
    );
    await q.query(`CREATE UNIQUE INDEX "ux_contacts_session_phone" ON "contacts" ("session_id", "phone")`);
    await q.query(`CREATE UNIQUE INDEX "ux_contacts_session_lid" ON "contacts" ("session_id", "lid")`);
    await q.query(`CREATE INDEX "ix_contacts_session_seq" ON "contacts" ("session_id", "seq")`);
    await q.query(`CREATE INDEX "ix_messages_session_sender_lid" ON "messages" ("session_id", "sender_lid")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "ix_messages_session_sender_lid"`);
    await q.query(`DROP TABLE "contacts"`);
  }
}
