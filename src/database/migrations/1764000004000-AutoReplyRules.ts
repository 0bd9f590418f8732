import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Auto-reply rules, and the seed's rule ("ping" -> "pong", every session). The default rule is inserted here,
 * once, rather than at every boot: a user who edits or deletes it keeps the change across restarts.
 */
export class AutoReplyRules1764000004000 implements MigrationInterface {
  name = 'AutoReplyRules1764000004000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "auto_reply_rules" (
      "id" text PRIMARY KEY NOT NULL,
      "name" text NOT NULL,
      "match" text NOT NULL,
      "pattern" text NOT NULL,
      "case_sensitive" boolean NOT NULL DEFAULT (0),
      "reply" text NOT NULL,
      "sessions" text NOT NULL,
      "chat_types" text NOT NULL,
      "priority" integer NOT NULL,
      "enabled" boolean NOT NULL DEFAULT (1),
      "cooldown_seconds" integer NOT NULL DEFAULT (0),
      "created_at" integer NOT NULL,
      "updated_at" integer NOT NULL
    )`);
    await q.query(
      `CREATE INDEX "ix_auto_reply_rules_priority" ON "auto_reply_rules" ("priority", "created_at")`,
    );
    const now = Date.now();
    await q.query(
      `INSERT INTO "auto_reply_rules" ("id", "name", "match", "pattern", "case_sensitive", "reply", "sessions",
        "chat_types", "priority", "enabled", "cooldown_seconds", "created_at", "updated_at")
       VALUES (?, ?, 'exact', 'ping', 0, 'pong', '["*"]', '["direct","group"]', 100, 1, 0, ?, ?)`,
      ['rule_default_ping', 'Ping -> pong (from the original gateway)', now, now],
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "auto_reply_rules"`);
  }
}
