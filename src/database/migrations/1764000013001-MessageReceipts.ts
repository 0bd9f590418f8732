import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `message_receipts`: per group participant, when a message we sent to a group was delivered to and read by
 * them (epoch ms), as WhatsApp reports each member's receipt.
 */
export class MessageReceipts1764000013001 implements MigrationInterface {
  name = 'MessageReceipts1764000013001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "message_receipts" (
      "message_id" text NOT NULL,
      "participant" text NOT NULL,
      "delivered_at" bigint,
      "read_at" bigint,
      PRIMARY KEY ("message_id", "participant")
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "message_receipts"`);
  }
}
