import { MigrationInterface, QueryRunner } from 'typeorm';

export class WhatsappSessions1764000001000 implements MigrationInterface {
  name = 'WhatsappSessions1764000001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "sessions" (
      "id" text PRIMARY KEY NOT NULL,
      "status" text NOT NULL,
      "reason" text,
      "phone" text,
      "name" text,
      "lid" text,
      "created_at" integer NOT NULL,
      "updated_at" integer NOT NULL
    )`);
    await q.query(`CREATE TABLE "auth_creds" (
      "session_id" text PRIMARY KEY NOT NULL,
      "value" text NOT NULL,
      "updated_at" integer NOT NULL
    )`);
    await q.query(`CREATE TABLE "auth_keys" (
      "session_id" text NOT NULL,
      "type" text NOT NULL,
      "id" text NOT NULL,
      "value" text NOT NULL,
      PRIMARY KEY ("session_id", "type", "id")
    ) WITHOUT ROWID`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "auth_keys"`);
    await q.query(`DROP TABLE "auth_creds"`);
    await q.query(`DROP TABLE "sessions"`);
  }
}
