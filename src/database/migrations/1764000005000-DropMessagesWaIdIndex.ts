import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Drops `ix_messages_wa_id` (wa_message_id alone): every lookup by WhatsApp id also names the session, which
 * `ux_messages_wa_id` (session_id, wa_message_id, direction) already serves, and each index is one more B-tree
 * written by every stored message.
 */
export class DropMessagesWaIdIndex1764000005000 implements MigrationInterface {
  name = 'DropMessagesWaIdIndex1764000005000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS "ix_messages_wa_id"`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX "ix_messages_wa_id" ON "messages" ("wa_message_id")`);
  }
}
