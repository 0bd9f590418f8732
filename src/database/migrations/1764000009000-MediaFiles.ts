import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `media_files`: the file of each incoming media message. Written in the transaction that stores the message
 * (status `pending`), so a crash before the download finishes leaves a row that is resumed at boot; `download`
 * holds what fetching and decrypting it takes (a JSON object with the media key).
 */
export class MediaFiles1764000009000 implements MigrationInterface {
  name = 'MediaFiles1764000009000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "media_files" (
        "message_id" text PRIMARY KEY NOT NULL,
        "session_id" text NOT NULL,
        "status" text NOT NULL,
        "reason" text,
        "error" text,
        "download" text NOT NULL,
        "storage_key" text,
        "size" integer,
        "sha256" text,
        "attempts" integer NOT NULL DEFAULT (0),
        "created_at" bigint NOT NULL,
        "stored_at" bigint
      )`,
    );
    await q.query(`CREATE INDEX "ix_media_files_status_created" ON "media_files" ("status", "created_at")`);
    await q.query(`CREATE INDEX "ix_media_files_stored_at" ON "media_files" ("stored_at")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "media_files"`);
  }
}
