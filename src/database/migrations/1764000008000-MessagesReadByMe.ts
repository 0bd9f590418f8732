import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `messages.read_by_me_at`: when the account sent its read receipt for an incoming message
 * (POST /api/sessions/:id/chats/:chatId/read); NULL = unread.
 */
export class MessagesReadByMe1764000008000 implements MigrationInterface {
  name = 'MessagesReadByMe1764000008000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "messages" ADD COLUMN "read_by_me_at" integer`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "messages" DROP COLUMN "read_by_me_at"`);
  }
}
