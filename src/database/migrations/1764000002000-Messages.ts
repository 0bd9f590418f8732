import { MigrationInterface, QueryRunner } from 'typeorm';

export class Messages1764000002000 implements MigrationInterface {
  name = 'Messages1764000002000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "messages" (
      "seq" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
      "id" text NOT NULL UNIQUE,
      "session_id" text NOT NULL,
      "direction" text NOT NULL,
      "wa_message_id" text,
      "chat_jid" text NOT NULL,
      "chat_type" text NOT NULL,
      "from_me" boolean NOT NULL DEFAULT (0),
      "sender_jid" text,
      "sender_phone" text,
      "sender_lid" text,
      "push_name" text,
      "type" text NOT NULL,
      "text" text,
      "quoted_message_id" text,
      "details" text,
      "request" text,
      "wa_payload" text,
      "status" text NOT NULL,
      "error" text,
      "source" text NOT NULL,
      "rule_id" text,
      "idempotency_key" text,
      "attempts" integer NOT NULL DEFAULT (0),
      "created_at" integer NOT NULL,
      "wa_timestamp" integer,
      "sent_at" integer,
      "delivered_at" integer,
      "read_at" integer,
      "failed_at" integer,
      "expires_at" integer
    )`);
    await q.query(
      `CREATE UNIQUE INDEX "ux_messages_wa_id" ON "messages" ("session_id", "wa_message_id", "direction") WHERE wa_message_id IS NOT NULL`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "ux_messages_idempotency" ON "messages" ("session_id", "idempotency_key") WHERE idempotency_key IS NOT NULL`,
    );
    await q.query(`CREATE INDEX "ix_messages_session_seq" ON "messages" ("session_id", "seq")`);
    await q.query(
      `CREATE INDEX "ix_messages_session_chat_seq" ON "messages" ("session_id", "chat_jid", "seq")`,
    );
    await q.query(
      `CREATE INDEX "ix_messages_session_status_seq" ON "messages" ("session_id", "status", "seq")`,
    );
    await q.query(`CREATE INDEX "ix_messages_session_created" ON "messages" ("session_id", "created_at")`);
    await q.query(`CREATE INDEX "ix_messages_wa_id" ON "messages" ("wa_message_id")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "messages"`);
  }
}
