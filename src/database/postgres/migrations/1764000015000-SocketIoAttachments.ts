import { MigrationInterface, QueryRunner } from 'typeorm';

/** The table of @socket.io/postgres-adapter (its `tableName` option). */
export const SOCKET_IO_ATTACHMENTS = 'socket_io_attachments';

/**
 * `socket_io_attachments`: Socket.IO events passed between the nodes of a cluster that do not fit in a NOTIFY
 * (8000 bytes): the sending node stores the event here and notifies its id; the adapter deletes rows older than
 * its cleanup interval. PostgreSQL only (SQLite runs one node, with the in-memory adapter), as the adapter's
 * documentation creates it. It holds no gateway data: the schema comparison and the SQLite-to-PostgreSQL copy
 * leave it out (POSTGRES_ONLY_TABLES).
 */
export class SocketIoAttachments1764000015000 implements MigrationInterface {
  name = 'SocketIoAttachments1764000015000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "${SOCKET_IO_ATTACHMENTS}" (
      "id" bigserial PRIMARY KEY,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "payload" bytea NOT NULL
    )`);
    await q.query(
      `CREATE INDEX "idx_socket_io_attachments_created_at" ON "${SOCKET_IO_ATTACHMENTS}" ("created_at")`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "${SOCKET_IO_ATTACHMENTS}"`);
  }
}
