import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source-options';
import { describeModeFixes, secureDataFiles } from './private-files';

const mode = (p: string) => fs.statSync(p).mode & 0o777;

describe('secureDataFiles (real files, real SQLite)', () => {
  let root: string;
  let umask: number;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'gw-perm-'));
    umask = process.umask(0o022);
  });
  afterEach(() => {
    process.umask(umask);
    fs.rmSync(root, { recursive: true, force: true });
  });

  /** A WAL database left with its -wal and -shm (the connection stays open), as an older version made it. */
  const openWalDatabase = (file: string) => {
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1)');
    return db;
  };

  it('narrows DATA_DIR, the database with its -wal and -shm, and every other file in it', () => {
    const dir = path.join(root, 'data');
    fs.mkdirSync(path.join(dir, 'media'), { recursive: true, mode: 0o755 });
    fs.chmodSync(dir, 0o755);
    const dbFile = path.join(dir, 'app.db');
    const db = openWalDatabase(dbFile);
    for (const f of ['api-key', 'webhook-secret', 'sandbox-state.json', 'media/a.jpg']) {
      fs.writeFileSync(path.join(dir, f), 'x', { mode: 0o644 });
    }
    fs.writeFileSync(path.join(dir, 'already-private'), 'x', { mode: 0o600 });
    expect(mode(`${dbFile}-wal`)).toBe(0o644);

    const fixes = secureDataFiles(dir, dbFile);

    expect(mode(dir)).toBe(0o700);
    expect(mode(path.join(dir, 'media'))).toBe(0o700);
    for (const f of [
      'app.db',
      'app.db-wal',
      'app.db-shm',
      'api-key',
      'webhook-secret',
      'sandbox-state.json',
    ]) {
      expect([f, mode(path.join(dir, f))]).toEqual([f, 0o600]);
    }
    expect(mode(path.join(dir, 'media/a.jpg'))).toBe(0o600);
    expect(fixes.map((f) => path.relative(dir, f.path)).sort()).toEqual(
      [
        '',
        'api-key',
        'app.db',
        'app.db-shm',
        'app.db-wal',
        'media',
        'media/a.jpg',
        'sandbox-state.json',
        'webhook-secret',
      ].sort(),
    );
    expect(describeModeFixes(fixes)).toContain(`${dbFile} 0644 -> 0600`);
    expect(secureDataFiles(dir, dbFile)).toEqual([]);
    db.close();
  });

  it('creates a missing DATA_DIR 0700', () => {
    const dir = path.join(root, 'new', 'data');
    expect(secureDataFiles(dir, path.join(dir, 'app.db'))).toEqual([]);
    expect(mode(dir)).toBe(0o700);
  });

  it('outside DATA_DIR: narrows the database files, never an existing directory, creates a missing one 0700', () => {
    const dataDir = path.join(root, 'data');
    const shared = path.join(root, 'shared');
    fs.mkdirSync(shared, { mode: 0o755 });
    fs.chmodSync(shared, 0o755);
    const dbFile = path.join(shared, 'gw.db');
    const db = openWalDatabase(dbFile);
    const fixes = secureDataFiles(dataDir, dbFile);
    expect(mode(shared)).toBe(0o755);
    expect(fixes.map((f) => path.basename(f.path)).sort()).toEqual(['gw.db', 'gw.db-shm', 'gw.db-wal']);
    expect(mode(`${dbFile}-wal`)).toBe(0o600);
    db.close();

    const created = path.join(root, 'made-by-gateway', 'db');
    secureDataFiles(dataDir, path.join(created, 'app.db'));
    expect(mode(created)).toBe(0o700);
  });

  it('a new database and the files SQLite makes beside it are 0600 whatever the umask', async () => {
    const file = path.join(root, 'fresh', 'app.db');
    const ds = new DataSource(dataSourceOptions(file));
    await ds.initialize();
    await ds.query('INSERT INTO sessions (id, status, created_at, updated_at) VALUES (?, ?, 0, 0)', [
      'a',
      'x',
    ]);
    expect(mode(path.dirname(file))).toBe(0o700);
    for (const f of [file, `${file}-wal`, `${file}-shm`]) expect([f, mode(f)]).toEqual([f, 0o600]);
    await ds.destroy();
  });
});
