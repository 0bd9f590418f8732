import { MigrationInterface, QueryRunner } from 'typeorm';

/** `messages.read_by_me_at` (epoch ms; NULL = unread), as SQLite's migration of the same number. */
export class MessagesReadByMe1764000008000 implements MigrationInterface {
  name = 'MessagesReadByMe1764000008000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "messages" ADD COLUMN "read_by_me_at" bigint`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "messages" DROP COLUMN "read_by_me_at"`);
  }
}
