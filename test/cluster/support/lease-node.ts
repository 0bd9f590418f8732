import type { DataSource } from 'typeorm';
import { LeaseStore } from '../../../src/cluster/leases/lease.store';
import { LeaseTable } from '../../../src/cluster/leases/lease-table';
import { NodeIdentity } from '../../../src/cluster/node-identity';
import { AppConfig } from '../../../src/config/app-config';
import { openDataSource, postgresOptions } from '../../../src/database/open-database';
import { sqlDatabaseFor } from '../../../src/database/sql/database-for';
import { freshPostgresDatabase, TestDatabase } from '../../support/postgres';

/**
 * One node's view of the leases, for medium tests on a shared PostgreSQL database: its own pool (as a process of
 * its own would have), its config, its lease store and table, and `take` to claim a session's lease as placement
 * does. Destroy `dataSource` in afterAll.
 */
export async function leaseNode(url: string, id: string, leaseMs: number) {
  const dataSource: DataSource = await openDataSource(
    postgresOptions({ engine: 'postgres', url, poolSize: 3, ssl: { mode: 'disable' } }),
  );
  const sql = sqlDatabaseFor(dataSource);
  const config = Object.assign(new AppConfig(), { NODE_ID: id, CLUSTER_LEASE_MS: leaseMs });
  const store = new LeaseStore(sql);
  const identity = new NodeIdentity(config, {} as never);
  const table = new LeaseTable(sql, store, identity, config);
  const take = async (session: string) => {
    const sentAt = performance.now();
    const epoch = await store.claim(session, id, leaseMs);
    if (epoch !== null) table.grant(session, epoch, sentAt);
    return epoch;
  };
  return { dataSource, sql, config, store, identity, table, take };
}

/**
 * Two nodes made by `make` on a new database of the run's PostgreSQL server, for one describe block: the
 * `sessions` rows exist before its tests run; everything is dropped after them.
 */
export function twoNodes<N extends { dataSource: DataSource }>(
  make: (url: string, id: string) => Promise<N>,
  sessions: string[],
): { n1: N; n2: N } {
  const nodes = {} as { n1: N; n2: N };
  let db: TestDatabase | undefined;
  beforeAll(async () => {
    db = await freshPostgresDatabase();
    nodes.n1 = await make(db.url, 'n1');
    nodes.n2 = await make(db.url, 'n2');
    const now = Date.now();
    for (const id of sessions)
      await nodes.n1.dataSource.query(
        `INSERT INTO sessions (id, status, created_at, updated_at) VALUES ($1, 'disconnected', $2, $2)`,
        [id, now],
      );
  });
  afterAll(async () => {
    await nodes.n1?.dataSource.destroy();
    await nodes.n2?.dataSource.destroy();
    await db?.drop();
  });
  return nodes;
}
