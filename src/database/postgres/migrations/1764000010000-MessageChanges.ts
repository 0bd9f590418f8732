import { MigrationInterface, QueryRunner } from 'typeorm';

/** `messages.edited_at`, `revoked_at` (epoch ms) and `message_secret`, as SQLite's migration of the same number. */
export class MessageChanges1764000010000 implements MigrationInterface {
  name = 'MessageChanges1764000010000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "messages" ADD COLUMN "edited_at" bigint`);
    await q.query(`ALTER TABLE "messages" ADD COLUMN "revoked_at" bigint`);
    await q.query(`ALTER TABLE "messages" ADD COLUMN "message_secret" text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "messages" DROP COLUMN "message_secret"`);
    await q.query(`ALTER TABLE "messages" DROP COLUMN "revoked_at"`);
    await q.query(`ALTER TABLE "messages" DROP COLUMN "edited_at"`);
  }
}
