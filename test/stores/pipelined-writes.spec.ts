import { all, execute, get, onRollback, runExpecting, Sql } from '../../src/database/sql/sql';
import { describeEachEngine } from '../support/both-engines';

/**
 * Medium test: statements whose answer the body does not wait for (`execute`, `runExpecting`), which PostgreSQL's
 * write lane pipelines, on a real SQLite file and a real PostgreSQL database. Whatever the engine, a write sees
 * its own statements in order, writes commit in the order they were asked for, a failing statement refuses only
 * its own write, and a count other than the expected one is answered truly before anything commits.
 */
describeEachEngine('SqlDatabase.write with pipelined statements', (db) => {
  const INSERT = `INSERT INTO inbound_webhooks (id, "from", message, verified_by, received_at) VALUES (?, ?, ?, ?, ?)`;
  const INSERT_NEW = `${INSERT} ON CONFLICT DO NOTHING`;
  let n = 0;
  const params = (id: string, message: string) => [id, 'test', message, 'api-key', ++n];
  /** A write of `count` rows sent without waiting, tagged `tag-0`, `tag-1`, ... */
  const rows = (tag: string, count = 3) =>
    function* (): Sql<string> {
      for (let i = 0; i < count; i++) yield* execute(INSERT, params(`inb_${tag}_${i}`, `${tag}-${i}`));
      return tag;
    };
  const committed = () =>
    db()
      .sql.read(() => all<{ message: string }>('SELECT message FROM inbound_webhooks ORDER BY seq'))
      .then((r) => r.map((row) => row.message));

  afterEach(() => db().sql.observeCommits(null));

  it('runs a batch of writes statement after statement, in the order asked for, in one commit', async () => {
    const commits: number[] = [];
    db().sql.observeCommits((_seconds, writes) => commits.push(writes));
    const writes = ['a', 'b', 'c', 'd'].map((tag) => db().sql.write(rows(tag)));
    await expect(Promise.all(writes)).resolves.toEqual(['a', 'b', 'c', 'd']);
    expect(commits).toEqual([4]);
    expect(await committed()).toEqual(['a', 'b', 'c', 'd'].flatMap((t) => [`${t}-0`, `${t}-1`, `${t}-2`]));
  });

  it('answers a query with what the statements sent before it wrote, in this write and earlier ones', async () => {
    const first = db().sql.write(rows('first', 2));
    const seen = db().sql.write(function* () {
      yield* execute(INSERT, params('inb_mine', 'mine'));
      const row = yield* get<{ n: number }>('SELECT COUNT(*) AS n FROM inbound_webhooks');
      yield* execute(INSERT, params('inb_after', `after-${Number(row!.n)}`));
      return Number(row!.n);
    });
    await first;
    await expect(seen).resolves.toBe(3);
    expect(await committed()).toEqual(['first-0', 'first-1', 'mine', 'after-3']);
  });

  it('refuses only the write whose statement fails; the writes before and after it in the batch commit', async () => {
    const hooks: string[] = [];
    const before = db().sql.write(rows('before'));
    const failing = db().sql.write(function* () {
      yield* onRollback(() => hooks.push('failing'));
      yield* execute(INSERT, params('inb_same', 'first'));
      yield* execute(INSERT, params('inb_same', 'second')); // primary key taken: fails on the database
      yield* execute(INSERT, params('inb_later', 'later'));
      return 'failing';
    });
    const after = db().sql.write(rows('after'));
    const refused = await failing.then(
      () => null,
      (err: Error) => err,
    );
    expect(refused?.message).toMatch(/unique|duplicate/i);
    await expect(before).resolves.toBe('before');
    await expect(after).resolves.toBe('after');
    expect(await committed()).toEqual([
      ...['before-0', 'before-1', 'before-2'],
      ...['after-0', 'after-1', 'after-2'],
    ]);
    expect(hooks.length).toBeGreaterThanOrEqual(1);
  });

  it('gives the body the true count when it differs from the expected one, before anything commits', async () => {
    const hooks: string[] = [];
    const insertNew = (id: string, message: string) =>
      function* (): Sql<boolean> {
        yield* onRollback(() => hooks.push(message));
        const inserted = (yield* runExpecting(INSERT_NEW, params(id, message), 1)) > 0;
        // What a store does with a new row only: here, a second row that must exist only if the first is new.
        if (inserted) yield* execute(INSERT, params(`${id}_echo`, `${message} echo`));
        return inserted;
      };
    const writes = [
      db().sql.write(insertNew('inb_x', 'x')),
      db().sql.write(insertNew('inb_x', 'x again')), // the row exists by then: 0 rows, not the expected 1
      db().sql.write(insertNew('inb_y', 'y')),
    ];
    await expect(Promise.all(writes)).resolves.toEqual([true, false, true]);
    expect(await committed()).toEqual(['x', 'x echo', 'y', 'y echo']);
    if (db().engine === 'postgres')
      expect(hooks).toEqual(['x', 'x again', 'y']); // the pipelined try, undone
    else expect(hooks).toEqual([]); // SQLite answers every count at once
  });

  it('keeps the order of writes asked for while a batch commits', async () => {
    const writes: Promise<string>[] = [];
    const expected: string[] = [];
    for (let turn = 0; turn < 5; turn++) {
      for (let i = 0; i < 4; i++) {
        const tag = `t${turn}w${i}`;
        expected.push(`${tag}-0`, `${tag}-1`);
        writes.push(db().sql.write(rows(tag, 2)));
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(writes);
    expect(await committed()).toEqual(expected);
  });
});
