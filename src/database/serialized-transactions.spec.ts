import * as os from 'node:os';
import * as path from 'node:path';
import * as fs from 'node:fs';
import { DataSource } from 'typeorm';
import {
  observeCommits,
  onRollback,
  rawDb,
  serializeTransactions,
  writeTransaction,
} from './serialized-transactions';

describe('serializeTransactions', () => {
  let ds: DataSource;
  beforeEach(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gw-tx-'));
    ds = serializeTransactions(new DataSource({ type: 'better-sqlite3', database: path.join(dir, 't.db') }));
    await ds.initialize();
    await ds.query('CREATE TABLE t (v TEXT)');
  });
  afterEach(async () => {
    if (ds.isInitialized) await ds.destroy();
  });

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

  describe('writeTransaction (group commit)', () => {
    const insert = (v: string) => () => rawDb(ds).prepare('INSERT INTO t VALUES (?)').run(v).changes;
    const values = async () => (await ds.query('SELECT v FROM t ORDER BY rowid')).map((r: any) => r.v);

    // Frames appended to the WAL by `run`: one commit rewrites table t's page once, three commits three times.
    const walFrames = async (run: () => Promise<unknown>) => {
      rawDb(ds).pragma('wal_checkpoint(TRUNCATE)');
      await run();
      return (rawDb(ds).pragma('wal_checkpoint(PASSIVE)') as { log: number }[])[0].log;
    };

    it('commits the writes of one event-loop turn together, in the order they were asked for', async () => {
      rawDb(ds).pragma('journal_mode = WAL');
      const together = await walFrames(() =>
        Promise.all(['a', 'b', 'c'].map((v) => writeTransaction(ds, insert(v)))),
      );
      const oneByOne = await walFrames(async () => {
        for (const v of ['d', 'e', 'f']) await writeTransaction(ds, insert(v));
      });
      expect(together).toBeLessThan(oneByOne);
      expect(await values()).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    });

    it('rolls back and rejects only the write that threw; the others in its batch commit', async () => {
      const failing = writeTransaction(ds, () => {
        insert('half-done')();
        throw new Error('boom');
      });
      const ok = [writeTransaction(ds, insert('x')), writeTransaction(ds, insert('y'))];
      await expect(failing).rejects.toThrow('boom');
      await Promise.all(ok);
      expect(await values()).toEqual(['x', 'y']);
    });

    it('runs the rollback hooks of a write that is rolled back, and only of that one', async () => {
      const rolledBack: string[] = [];
      const ok = writeTransaction(ds, () => {
        onRollback(() => rolledBack.push('ok'));
        return insert('kept')();
      });
      const failing = writeTransaction(ds, () => {
        onRollback(() => rolledBack.push('failing'));
        throw new Error('boom');
      });
      await expect(failing).rejects.toThrow('boom');
      await ok;
      // The batch was rolled back once as a whole (both hooks), then 'ok' ran again alone and committed.
      expect(rolledBack.filter((h) => h === 'failing').length).toBe(2);
      expect(rolledBack.filter((h) => h === 'ok').length).toBe(1);
      expect(await values()).toEqual(['kept']);
    });

    it('keeps its place in line with transactions asked for after it', async () => {
      const first = writeTransaction(ds, insert('sync-first'));
      const second = ds.transaction((em) => em.query("INSERT INTO t VALUES ('async-second')"));
      await Promise.all([first, second]);
      expect(await values()).toEqual(['sync-first', 'async-second']);
    });

    it('finishes the writes asked for before the DataSource is destroyed', async () => {
      const write = writeTransaction(ds, insert('just before close'));
      await ds.destroy();
      await expect(write).resolves.toBe(1);
    });

    it('runs inside a transaction that calls it, without waiting for itself', async () => {
      await ds.transaction(async (em) => {
        await em.query("INSERT INTO t VALUES ('outer')");
        await writeTransaction(ds, insert('inner'));
      });
      expect(await values()).toEqual(['outer', 'inner']);
    });

    it('tells a commit observer each group commit and how many writes it held', async () => {
      const commits: { seconds: number; writes: number }[] = [];
      observeCommits(ds, (seconds, writes) => commits.push({ seconds, writes }));
      await Promise.all(['a', 'b', 'c'].map((v) => writeTransaction(ds, insert(v))));
      await writeTransaction(ds, insert('d'));
      expect(commits.map((c) => c.writes)).toEqual([3, 1]);
      expect(commits.every((c) => c.seconds >= 0)).toBe(true);
      observeCommits(ds, null);
      await writeTransaction(ds, insert('e'));
      expect(commits).toHaveLength(2);
      expect(await values()).toEqual(['a', 'b', 'c', 'd', 'e']);
    });
  });
});
