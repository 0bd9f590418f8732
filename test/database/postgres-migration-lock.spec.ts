import { DataSource } from 'typeorm';
import { POSTGRES_MIGRATIONS } from '../../src/database/postgres/migrations';
import { MIGRATION_LOCK_KEY } from '../../src/database/postgres/migrate-under-lock';
import { migrateUnderLock, postgresDataSourceOptions } from '../../src/database/postgres/postgres-options';
import { freshPostgresDatabase, TestDatabase } from '../support/postgres';

/** Medium test: processes booting together on one empty PostgreSQL database migrate it once, one after the other. */
describe('migrateUnderLock', () => {
  let db: TestDatabase;
  const sources: DataSource[] = [];

  const open = () => {
    const ds = new DataSource(
      postgresDataSourceOptions({ url: db.url, poolSize: 2, ssl: { mode: 'disable' } }),
    );
    sources.push(ds);
    return ds;
  };
  // pg_locks shows the whole server's; advisory locks are per database, and other test files have their own.
  const HERE = `locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`;
  const advisoryLocks = async (ds: DataSource) =>
    Number((await ds.query(`SELECT COUNT(*) AS n FROM pg_locks WHERE ${HERE}`))[0].n);

  beforeAll(async () => {
    db = await freshPostgresDatabase();
  });

  afterAll(async () => {
    for (const ds of sources) if (ds.isInitialized) await ds.destroy();
    await db?.drop();
  });

  it('lets two DataSources started at the same moment on an empty database both boot, migrating once', async () => {
    const [a, b] = [open(), open()];
    const runs = await Promise.all(
      [a, b].map(async (ds) => {
        await ds.initialize();
        return (await migrateUnderLock(ds)).map((m) => m.name);
      }),
    );
    const names = POSTGRES_MIGRATIONS.map((m) => m.name);
    // One of them ran every migration; the other, once it had the lock, found none pending.
    expect(runs.map((r) => r.length).sort()).toEqual([0, names.length]);
    expect(runs.flat()).toEqual(names);
    for (const ds of [a, b]) {
      expect(await ds.showMigrations()).toBe(false);
      expect((await ds.query(`SELECT COUNT(*) AS n FROM auto_reply_rules`))[0].n).toBe(1);
    }
    expect(await advisoryLocks(a)).toBe(0);
  });

  it('is a no-op on a migrated database, and leaves no lock behind', async () => {
    const ds = open();
    await ds.initialize();
    expect(await migrateUnderLock(ds)).toEqual([]);
    expect(await migrateUnderLock(ds)).toEqual([]);
    expect(await advisoryLocks(ds)).toBe(0);
    expect((await ds.query(`SELECT COUNT(*) AS n FROM migrations`))[0].n).toBe(POSTGRES_MIGRATIONS.length);
  });

  it('waits for the lock while another process holds it', async () => {
    const holder = open();
    const waiter = open();
    await Promise.all([holder.initialize(), waiter.initialize()]);
    const runner = holder.createQueryRunner();
    await runner.connect();
    await runner.query(`SELECT pg_advisory_lock(${MIGRATION_LOCK_KEY})`);
    let done = false;
    const migrating = migrateUnderLock(waiter).then(() => (done = true));
    // The waiter's connection shows up as waiting on the advisory lock; only then is it let go.
    const deadline = Date.now() + 20_000;
    while (!(await holder.query(`SELECT 1 FROM pg_locks WHERE ${HERE} AND NOT granted`)).length) {
      if (Date.now() > deadline) throw new Error('the second migrateUnderLock never waited for the lock');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(done).toBe(false);
    await runner.query(`SELECT pg_advisory_unlock(${MIGRATION_LOCK_KEY})`);
    await runner.release();
    await migrating;
    expect(done).toBe(true);
  });
});
