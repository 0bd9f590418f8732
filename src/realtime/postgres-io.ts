import { Logger } from '@nestjs/common';
import { createAdapter } from '@socket.io/postgres-adapter';
import type { ConnectionOptions } from 'node:tls';
import { Pool } from 'pg';
import type { PostgresSettings } from '../config/database-settings';
import { describeDatabaseError } from '../database/postgres/describe-database-error';
import { SOCKET_IO_ATTACHMENTS } from '../database/postgres/migrations/1764000015000-SocketIoAttachments';
import { CONNECT_TIMEOUT_MS, pgSslOptions, withoutTlsParams } from '../database/postgres/postgres-options';

/** The connections' `application_name`, followed by NODE_ID when it is set. */
export const REALTIME_APPLICATION_NAME = 'wa-gateway-realtime';
/** One connection holds LISTEN; the others send NOTIFY and read or write the large events' table. */
export const REALTIME_POOL_SIZE = 3;
/**
 * Queries waiting for a connection beyond which an event is not relayed (logged) rather than queued: while
 * PostgreSQL is unreachable, events would otherwise pile up in memory for as long as it lasts.
 */
export const MAX_WAITING_QUERIES = 1000;
/** At most one line per this many ms about relay failures, with the number of failures in between. */
const WARN_EVERY_MS = 30_000;

/** The Socket.IO adapter of a node of a cluster, and the pool it runs on. */
export interface PostgresIo {
  /** For Socket.IO's `adapter` option. */
  adapter: ReturnType<typeof createAdapter>;
  /** Ends the pool; call it after Socket.IO's server is closed (which closes the adapter, giving back LISTEN). */
  close(): Promise<void>;
}

/**
 * `@socket.io/postgres-adapter` on its own small pool, with the gateway's connection settings (DATABASE_URL,
 * DATABASE_SSL, DATABASE_SSL_CA as the main connection uses them): the nodes of a cluster pass Socket.IO messages
 * through LISTEN/NOTIFY, and through `socket_io_attachments` those over NOTIFY's 8000 bytes. A lost connection
 * or a failed query is logged (rate-limited) and never stops the process; the LISTEN connection reconnects by
 * itself. The events lost meanwhile are not replayed: a client re-reads state over REST, as after a reconnection.
 */
export function postgresIo(
  settings: PostgresSettings,
  nodeId?: string,
  logger = new Logger('Realtime'),
): PostgresIo {
  const pool = new Pool({
    connectionString: withoutTlsParams(settings.url),
    // The same TLS options as TypeORM's connections (pg's type for them is ConnectionOptions).
    ssl: pgSslOptions(settings.ssl) as ConnectionOptions | false,
    // Which node a connection belongs to, in pg_stat_activity.
    application_name: nodeId ? `${REALTIME_APPLICATION_NAME} ${nodeId}` : REALTIME_APPLICATION_NAME,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    max: REALTIME_POOL_SIZE,
  });
  const warn = throttledWarning(logger, (err) => describeDatabaseError(err, settings.url));
  // An idle connection that fails is removed by the pool, which reports it here (unheard, it would crash).
  pool.on('error', warn);
  const query = pool.query.bind(pool) as (...args: unknown[]) => Promise<unknown>;
  pool.query = ((...args: unknown[]) =>
    pool.waitingCount >= MAX_WAITING_QUERIES
      ? Promise.reject(new Error(`${pool.waitingCount} queries already wait for a connection`))
      : query(...args)) as Pool['query'];
  return {
    adapter: createAdapter(pool, { tableName: SOCKET_IO_ATTACHMENTS, errorHandler: warn }),
    close: async () => {
      await pool.end().catch((err: unknown) => warn(err));
    },
  };
}

/** Logs the first failure at once, then one line per WARN_EVERY_MS at most, counting the ones in between. */
function throttledWarning(logger: Logger, describe: (err: unknown) => string): (err: unknown) => void {
  let lastAt = 0;
  let unlogged = 0;
  return (err) => {
    const now = Date.now();
    if (now - lastAt < WARN_EVERY_MS) {
      unlogged++;
      return;
    }
    const more = unlogged ? ` (and ${unlogged} more failure(s) since the last report)` : '';
    lastAt = now;
    unlogged = 0;
    logger.warn(`Socket.IO events between nodes: ${describe(err)}${more}`);
  };
}
