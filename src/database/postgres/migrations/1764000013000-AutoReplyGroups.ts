import { MigrationInterface, QueryRunner } from 'typeorm';

/** `auto_reply_rules.groups` and the ping rule scoped to direct chats, as SQLite's migration of the same number. */
export class AutoReplyGroups1764000013000 implements MigrationInterface {
  name = 'AutoReplyGroups1764000013000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "auto_reply_rules" ADD COLUMN "groups" text NOT NULL DEFAULT '[]'`);
    await q.query(
      `UPDATE "auto_reply_rules" SET "chat_types" = '["direct"]'
        WHERE "id" = 'rule_default_ping' AND "chat_types" = '["direct","group"]' AND "updated_at" = "created_at"`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "auto_reply_rules" DROP COLUMN "groups"`);
  }
}
