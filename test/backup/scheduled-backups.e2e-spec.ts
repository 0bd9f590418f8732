import * as fs from 'node:fs';
import * as path from 'node:path';
import { startTestApp, tempDir, TestApp } from '../support/test-app';
import { waitUntil } from '../support/wait';
import { runCli } from './run-cli';

const INTERVAL_HOURS = 0.0003; // about 1.1 s
const stampOf = (name: string) => {
  const m = /^gateway-backup-(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)(\d{3})Z\.tar\.gz$/.exec(name)!;
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6], +m[7]);
};

describe('scheduled backups (BACKUP_DIR, BACKUP_INTERVAL_HOURS, BACKUP_KEEP)', () => {
  let app: TestApp | undefined;
  afterAll(() => app?.close());

  it('backs up every interval (not at boot) and keeps the newest N, each one restorable', async () => {
    const dataDir = tempDir('gw-sched-');
    const backupDir = path.join(dataDir, 'backups'); // inside DATA_DIR: never part of a backup itself
    const bootedAt = Date.now();
    app = await startTestApp(
      { BACKUP_DIR: backupDir, BACKUP_INTERVAL_HOURS: String(INTERVAL_HOURS), BACKUP_KEEP: '2' },
      dataDir,
    );
    const rule = await app
      .http()
      .post('/api/auto-reply-rules')
      .set('X-API-Key', app.apiKey)
      .send({ name: 'hours', match: 'contains', pattern: 'open', reply: 'We open at 9.' });
    expect(rule.status).toBe(201);

    const list = () => (fs.existsSync(backupDir) ? fs.readdirSync(backupDir).sort() : []);
    const seen = new Set<string>();
    let mostAtOnce = 0;
    await waitUntil(
      () => {
        const names = list();
        names.forEach((n) => seen.add(n));
        mostAtOnce = Math.max(mostAtOnce, names.filter((n) => n.endsWith('.tar.gz')).length);
        return seen.size >= 4 && names.length === 2 ? names : null;
      },
      { timeoutMs: 60_000, intervalMs: 100, what: 'four scheduled backups, two of them kept' },
    );
    const stamps = [...seen].filter((n) => n.endsWith('.tar.gz')).map(stampOf);
    expect(Math.min(...stamps)).toBeGreaterThanOrEqual(bootedAt + INTERVAL_HOURS * 3_600_000);
    expect(mostAtOnce).toBeLessThanOrEqual(3); // the newest is written before the oldest is pruned
    await app.close();
    app = undefined;

    // The newest kept backup restores into a fresh directory, the rule with it and the backups without.
    const [, newest] = list();
    const target = tempDir('gw-sched-restore-');
    const restore = await runCli('src/backup/restore.cli.ts', ['--from', path.join(backupDir, newest)], {
      DATA_DIR: target,
      DATABASE_PATH: path.join(target, 'app.db'),
    });
    expect(restore).toMatchObject({ code: 0 });
    expect(fs.existsSync(path.join(target, 'backups'))).toBe(false);
    app = await startTestApp({}, target);
    const rules = await app.http().get('/api/auto-reply-rules').set('X-API-Key', app.apiKey);
    expect(rules.body).toEqual(expect.arrayContaining([expect.objectContaining({ id: rule.body.id })]));
  });
});
