import { all, onRollback, run, Sql } from '../../src/database/sql/sql';
import { describeEachEngine } from '../support/both-engines';

/**
 * Medium test: the group commit of `SqlDatabase.write`, on a real SQLite file and a real PostgreSQL database.
 * Rows go to inbound_webhooks, whose seq tells the order they were committed in.
 */
describeEachEngine('SqlDatabase.write group commit', (db) => {
  let n = 0;
  const insert = (tag: string) =>
    function* (): Sql<number> {
      return yield* run(
        `INSERT INTO inbound_webhooks (id, "from", message, verified_by, received_at) VALUES (?, ?, ?, ?, ?)`,
        [`inb_${tag}_${++n}`, 'test', tag, 'api-key', Date.now()],
      );
    };
  const committed = () =>
    db()
      .sql.read(() => all<{ message: string }>('SELECT message FROM inbound_webhooks ORDER BY seq'))
      .then((rows) => rows.map((r) => r.message));

  afterEach(() => db().sql.observeCommits(null));

  it('commits the writes asked for in the same turn together, each promise settling after it', async () => {
    const commits: number[] = [];
    db().sql.observeCommits((_seconds, writes) => commits.push(writes));
    const writes = ['a', 'b', 'c', 'd', 'e'].map((tag) => db().sql.write(insert(tag)));
    await expect(Promise.all(writes)).resolves.toEqual([1, 1, 1, 1, 1]);
    expect(commits).toEqual([5]);
    expect(await committed()).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('commits writes asked for in different turns in the order they were asked for', async () => {
    const commits: number[] = [];
    db().sql.observeCommits((_seconds, writes) => commits.push(writes));
    const writes: Promise<number>[] = [];
    const expected: string[] = [];
    for (let turn = 0; turn < 4; turn++) {
      for (let i = 0; i < 3; i++) {
        expected.push(`t${turn}-${i}`);
        writes.push(db().sql.write(insert(`t${turn}-${i}`)));
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(writes);
    expect(await committed()).toEqual(expected);
    expect(commits.reduce((a, b) => a + b, 0)).toBe(12);
  });

  it('refuses only the write that fails; the others of its batch commit', async () => {
    const before = db().sql.write(insert('before'));
    const failing = db().sql.write(function* () {
      yield* insert('half-done')();
      throw new Error('refused');
    });
    const after = db().sql.write(insert('after'));
    await expect(failing).rejects.toThrow('refused');
    await expect(before).resolves.toBe(1);
    await expect(after).resolves.toBe(1);
    expect(await committed()).toEqual(['before', 'after']);
  });

  it('refuses a write whose statement fails on the database, the others of its batch commit', async () => {
    const ok = db().sql.write(insert('ok'));
    const duplicate = db().sql.write(function* () {
      yield* run(
        `INSERT INTO inbound_webhooks (id, "from", message, verified_by, received_at) VALUES (?, ?, ?, ?, ?)`,
        ['inb_same', 'test', 'first', 'api-key', 1],
      );
      yield* run(
        `INSERT INTO inbound_webhooks (id, "from", message, verified_by, received_at) VALUES (?, ?, ?, ?, ?)`,
        ['inb_same', 'test', 'second', 'api-key', 1],
      );
    });
    // By its message: better-sqlite3's error class belongs to the first test file that loaded the native module,
    // so `toThrow` (which wants an Error of this file's realm) would not recognise it in later files.
    const refused = await duplicate.then(
      () => null,
      (err: Error) => err,
    );
    expect(refused?.message).toMatch(/unique/i);
    await expect(ok).resolves.toBe(1);
    expect(await committed()).toEqual(['ok']);
  });

  it('runs rollback hooks only for attempts that were rolled back', async () => {
    const hooks: string[] = [];
    const withHook = (tag: string, fail: boolean) =>
      function* (): Sql<number> {
        yield* onRollback(() => hooks.push(tag));
        const inserted = yield* insert(tag)();
        if (fail) throw new Error(`${tag} refused`);
        return inserted;
      };

    // A batch where nothing fails: no hook runs.
    await Promise.all([db().sql.write(withHook('x', false)), db().sql.write(withHook('y', false))]);
    expect(hooks).toEqual([]);

    // The failing write's batch is rolled back once as a whole (every hook of it), then each write runs again
    // alone: the one that commits then runs no hook, the failing one is rolled back again.
    const kept = db().sql.write(withHook('kept', false));
    const refused = db().sql.write(withHook('refused', true));
    await expect(refused).rejects.toThrow('refused refused');
    await expect(kept).resolves.toBe(1);
    expect(hooks.filter((h) => h === 'refused')).toHaveLength(2);
    expect(hooks.filter((h) => h === 'kept')).toHaveLength(1);
    expect(await committed()).toEqual(['x', 'y', 'kept']);

    // A failing write alone: its hook runs once.
    hooks.length = 0;
    await expect(db().sql.write(withHook('alone', true))).rejects.toThrow('alone refused');
    expect(hooks).toEqual(['alone']);
  });

  it('answers reads with what is committed, and the value a write body returns', async () => {
    const value = await db().sql.write(function* () {
      yield* insert('r')();
      const rows = yield* all<{ message: string }>('SELECT message FROM inbound_webhooks');
      return rows.length;
    });
    expect(value).toBe(1);
    await expect(db().sql.ping()).resolves.toBeUndefined();
  });
});
