import { MigrationInterface, QueryRunner } from 'typeorm';

/** `sessions.stopped`: stopped on request (POST /api/sessions/:id/stop), so it stays closed across restarts. */
export class SessionsStopped1764000006000 implements MigrationInterface {
  name = 'SessionsStopped1764000006000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "sessions" ADD COLUMN "stopped" boolean NOT NULL DEFAULT (0)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "sessions" DROP COLUMN "stopped"`);
  }
}
