import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What later messages change on a message: `edited_at` (its text was edited; the trail is in `details.edits`),
 * `revoked_at` (deleted for everyone) and `message_secret` (base64; a poll's secret, which its votes are
 * encrypted with).
 */
export class MessageChanges1764000010000 implements MigrationInterface {
  name = 'MessageChanges1764000010000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "messages" ADD COLUMN "edited_at" integer`);
    await q.query(`ALTER TABLE "messages" ADD COLUMN "revoked_at" integer`);
    await q.query(`ALTER TABLE "messages" ADD COLUMN "message_secret" text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "messages" DROP COLUMN "message_secret"`);
    await q.query(`ALTER TABLE "messages" DROP COLUMN "revoked_at"`);
    await q.query(`ALTER TABLE "messages" DROP COLUMN "edited_at"`);
  }
}
