import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhooks: endpoints, the events they are sent, one delivery row per (event, endpoint) (the outbox), every
 * attempt, and inbound webhooks. Times are epoch milliseconds.
 */
export class Webhooks1764000003000 implements MigrationInterface {
  name = 'Webhooks1764000003000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "webhook_endpoints" (
        "id" text PRIMARY KEY NOT NULL,
        "url" text NOT NULL,
        "description" text NOT NULL DEFAULT '',
        "events" text NOT NULL,
        "headers" text NOT NULL DEFAULT '{}',
        "enabled" boolean NOT NULL DEFAULT 1,
        "is_default" boolean NOT NULL DEFAULT 0,
        "secret" text NOT NULL,
        "previous_secret" text,
        "previous_secret_expires_at" integer,
        "disabled_reason" text,
        "disabled_at" integer,
        "failing_since" integer,
        "created_at" integer NOT NULL,
        "updated_at" integer NOT NULL
      )`);
    await q.query(`
      CREATE TABLE "webhook_events" (
        "seq" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
        "id" text NOT NULL UNIQUE,
        "type" text NOT NULL,
        "session" text,
        "payload" text NOT NULL,
        "created_at" integer NOT NULL
      )`);
    await q.query(`CREATE INDEX "ix_webhook_events_created" ON "webhook_events" ("created_at")`);
    await q.query(`
      CREATE TABLE "webhook_deliveries" (
        "seq" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
        "id" text NOT NULL UNIQUE,
        "event_id" text NOT NULL REFERENCES "webhook_events" ("id") ON DELETE CASCADE,
        "endpoint_id" text NOT NULL REFERENCES "webhook_endpoints" ("id") ON DELETE CASCADE,
        "event_type" text NOT NULL,
        "status" text NOT NULL,
        "attempts" integer NOT NULL DEFAULT 0,
        "run_attempts" integer NOT NULL DEFAULT 0,
        "run_limit" integer,
        "next_attempt_at" integer NOT NULL,
        "lease_owner" text,
        "last_status_code" integer,
        "last_error" text,
        "created_at" integer NOT NULL,
        "updated_at" integer NOT NULL,
        "delivered_at" integer
      )`);
    await q.query(
      `CREATE UNIQUE INDEX "ux_webhook_deliveries_event_endpoint" ON "webhook_deliveries" ("event_id", "endpoint_id")`,
    );
    await q.query(
      `CREATE INDEX "ix_webhook_deliveries_due" ON "webhook_deliveries" ("status", "next_attempt_at")`,
    );
    await q.query(
      `CREATE INDEX "ix_webhook_deliveries_endpoint_due" ON "webhook_deliveries" ("endpoint_id", "status", "next_attempt_at")`,
    );
    await q.query(
      `CREATE INDEX "ix_webhook_deliveries_endpoint_seq" ON "webhook_deliveries" ("endpoint_id", "seq")`,
    );
    await q.query(`
      CREATE TABLE "webhook_attempts" (
        "seq" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
        "delivery_id" text NOT NULL REFERENCES "webhook_deliveries" ("id") ON DELETE CASCADE,
        "attempt" integer NOT NULL,
        "started_at" integer NOT NULL,
        "duration_ms" integer NOT NULL,
        "status_code" integer,
        "response" text,
        "error" text,
        "success" boolean NOT NULL
      )`);
    await q.query(`CREATE INDEX "ix_webhook_attempts_delivery" ON "webhook_attempts" ("delivery_id", "seq")`);
    await q.query(`
      CREATE TABLE "inbound_webhooks" (
        "seq" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
        "id" text NOT NULL UNIQUE,
        "from" text NOT NULL,
        "message" text NOT NULL,
        "timestamp" integer,
        "verified_by" text NOT NULL,
        "received_at" integer NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "inbound_webhooks"`);
    await q.query(`DROP TABLE "webhook_attempts"`);
    await q.query(`DROP TABLE "webhook_deliveries"`);
    await q.query(`DROP TABLE "webhook_events"`);
    await q.query(`DROP TABLE "webhook_endpoints"`);
  }
}
