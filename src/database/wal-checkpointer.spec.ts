import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { waitUntil } from '../../test/support/wait';
import { rawDb, serializeTransactions, writeTransaction } from './serialized-transactions';
import { checkpointInBackground } from './wal-checkpointer';

describe('checkpointInBackground', () => {
  let ds: DataSource;
  let file: string;
  const errors: string[] = [];

  beforeEach(async () => {
    file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'gw-wal-')), 't.db');
    const plain = new DataSource({
      type: 'better-sqlite3',
      database: file,
      prepareDatabase: (db: any) => db.pragma('journal_mode = WAL'),
    });
    ds = checkpointInBackground(serializeTransactions(await plain.initialize()), (m) => errors.push(m));
    await ds.query('CREATE TABLE t (v TEXT)');
  });
  afterEach(async () => {
    if (ds.isInitialized) await ds.destroy();
  });

  it('turns the writer’s own checkpoints off and copies the WAL into the file from a worker thread', async () => {
    expect(rawDb(ds).pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    const before = fs.statSync(file).size;
    const row = 'x'.repeat(1000);
    for (let i = 0; i < 20; i++)
      await writeTransaction(ds, () => {
        const insert = rawDb(ds).prepare('INSERT INTO t VALUES (?)');
        for (let j = 0; j < 100; j++) insert.run(row);
      });
    // ~2 MB committed to the WAL; only a checkpoint grows the database file itself.
    await waitUntil(() => fs.statSync(file).size > before + 1_500_000, { what: 'a background checkpoint' });
    expect(errors).toEqual([]);
  });

  it('stops its worker when the DataSource is destroyed, after a last checkpoint', async () => {
    await writeTransaction(ds, () => rawDb(ds).prepare("INSERT INTO t VALUES ('last')").run());
    await ds.destroy();
    const reopened = new DataSource({ type: 'better-sqlite3', database: file });
    await reopened.initialize();
    expect(await reopened.query('SELECT v FROM t')).toEqual([{ v: 'last' }]);
    await reopened.destroy();
  });
});
