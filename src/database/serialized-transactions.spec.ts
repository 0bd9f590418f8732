import * as os from 'node:os';
import * as path from 'node:path';
import * as fs from 'node:fs';
import { DataSource } from 'typeorm';
import { serializeTransactions } from './serialized-transactions';

describe('serializeTransactions', () => {
  let ds: DataSource;
  beforeEach(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gw-tx-'));
    ds = serializeTransactions(new DataSource({ type: 'better-sqlite3', database: path.join(dir, 't.db') }));
    await ds.initialize();
    await ds.query('CREATE TABLE t (v TEXT)');
  });
  afterEach(() => ds.destroy());

  it("keeps overlapping transactions apart: one's rollback never undoes the other's commit", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const failing = ds.transaction(async (em) => {
      await em.query("INSERT INTO t VALUES ('a')");
      await gate;
      throw new Error('rollback a');
    });
    const ok = ds.transaction(async (em) => {
      await em.query("INSERT INTO t VALUES ('b')");
    });
    release();
    await expect(failing).rejects.toThrow('rollback a');
    await ok;
    expect(await ds.query('SELECT v FROM t')).toEqual([{ v: 'b' }]);
  });

  it('lets a transaction nest inside another without waiting for itself', async () => {
    await ds.transaction(async (em) => {
      await em.query("INSERT INTO t VALUES ('outer')");
      await ds.transaction((inner) => inner.query("INSERT INTO t VALUES ('inner')"));
    });
    expect((await ds.query('SELECT v FROM t ORDER BY v')).map((r: any) => r.v)).toEqual(['inner', 'outer']);
  });
});
