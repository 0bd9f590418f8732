import { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { DatabaseSettings } from '../config/database-settings';
import { PostgresIo, postgresIo } from './postgres-io';

/** The options type of the Socket.IO copy Nest's adapter runs (it pins its own version). */
type IoOptions = Parameters<IoAdapter['createIOServer']>[1];

/**
 * Socket.IO on the HTTP server's port, with the same CORS rule as the REST API. The server also serves its
 * matching browser client at `/socket.io/socket.io.esm.min.js` (`serveClient`), which the console imports:
 * no CDN, and client and server versions can never drift apart.
 *
 * On PostgreSQL, several gateway processes (the nodes of a cluster) may share the database: Socket.IO then runs
 * on `@socket.io/postgres-adapter` (see `postgresIo`), through which `EventsGateway` hands every event to the
 * other nodes. On SQLite (one process), the in-memory adapter.
 */
export class RealtimeIoAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    /** The REST API's CORS origin setting (`false` = same origin only). */
    private readonly corsOrigin: boolean | string[],
    private readonly database: DatabaseSettings,
    /** This node's NODE_ID, if set: names its adapter connections. */
    private readonly nodeId?: string,
  ) {
    super(app);
  }

  private postgres?: PostgresIo;

  override createIOServer(port: number, options?: IoOptions): ReturnType<IoAdapter['createIOServer']> {
    return super.createIOServer(port, {
      ...options,
      serveClient: true,
      // Clients only send small subscribe messages.
      maxHttpBufferSize: 64 * 1024,
      ...(this.corsOrigin ? { cors: { origin: this.corsOrigin } } : {}),
      ...(this.database.engine === 'postgres'
        ? { adapter: (this.postgres ??= postgresIo(this.database, this.nodeId)).adapter }
        : {}),
    } as NonNullable<IoOptions>);
  }

  /** After Nest has closed the server (and so the adapter): ends the adapter's pool. */
  override async dispose(): Promise<void> {
    await super.dispose();
    await this.postgres?.close();
  }
}
