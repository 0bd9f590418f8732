import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The cluster's shared state: one row per gateway node (heartbeat) and one lease per owned session (owner, epoch,
 * expiry). Used on PostgreSQL, where several nodes share the database; SQLite has the same tables, unused (one
 * process owns every session), so both engines keep one schema.
 */
export class Cluster1764000014000 implements MigrationInterface {
  name = 'Cluster1764000014000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "cluster_nodes" (
      "id" text PRIMARY KEY NOT NULL,
      "url" text,
      "max_sessions" integer NOT NULL,
      "started_at" bigint NOT NULL,
      "heartbeat_at" bigint NOT NULL,
      "stopped_at" bigint
    )`);
    await q.query(`CREATE TABLE "session_leases" (
      "session_id" text PRIMARY KEY NOT NULL REFERENCES "sessions" ("id") ON DELETE CASCADE,
      "owner" text NOT NULL,
      "epoch" bigint NOT NULL,
      "acquired_at" bigint NOT NULL,
      "renewed_at" bigint NOT NULL,
      "expires_at" bigint NOT NULL
    )`);
    await q.query(`CREATE INDEX "idx_session_leases_owner" ON "session_leases" ("owner", "expires_at")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "session_leases"`);
    await q.query(`DROP TABLE "cluster_nodes"`);
  }
}
