import * as fs from 'node:fs';
import * as path from 'node:path';
import { startSandboxApp, SandboxApp } from '../support/sandbox-app';
import { tempDir } from '../support/test-app';
import { waitUntil } from '../support/wait';
import { runCli } from './run-cli';

const mode = (p: string) => fs.statSync(p).mode & 0o777;
const dirEnv = (dir: string) => ({ DATA_DIR: dir, DATABASE_PATH: path.join(dir, 'app.db') });

/** Every file and folder under `dir`, recursively. */
function tree(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? [full, ...tree(full)] : [full];
  });
}

describe('backup and restore (npm run backup / npm run restore)', () => {
  let original: SandboxApp | undefined;
  let restored: SandboxApp | undefined;
  afterAll(async () => {
    await original?.close();
    await restored?.close();
  });

  it('restores an online backup taken while sends are queued: linked without a QR, every accepted message kept', async () => {
    // Paced sends: most of what is accepted is still queued when the backup is taken.
    original = await startSandboxApp({ SEND_MIN_INTERVAL_MS: '200', SEND_JITTER_MS: '0' });
    const gw = original;
    const accepted: string[] = [];
    let sending = true;
    const sender = (async () => {
      for (let i = 0; sending; i++) {
        const res = await gw.post('/api/sessions/default/messages', {
          to: `628120000${String(i % 5).padStart(4, '0')}`,
          type: 'text',
          text: `queued ${i}`,
        });
        if (res.status !== 202) throw new Error(`send answered ${res.status}: ${JSON.stringify(res.body)}`);
        accepted.push(res.body.id as string);
      }
    })();
    await waitUntil(() => accepted.length >= 20, { what: '20 accepted sends' });

    const acceptedBeforeBackup = [...accepted];
    const file = path.join(tempDir('gw-backup-'), 'gateway.tar.gz');
    const backup = await runCli('src/backup/backup.cli.ts', ['--to', file], dirEnv(gw.dir));
    sending = false;
    await sender;
    expect(backup).toMatchObject({ code: 0 });
    expect(accepted.length).toBeGreaterThan(acceptedBeforeBackup.length); // the API kept accepting meanwhile
    expect(mode(file)).toBe(0o600);

    // The running gateway's data directory is never restored over.
    const refused = await runCli('src/backup/restore.cli.ts', ['--from', file, '--force'], dirEnv(gw.dir));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/in use: stop the gateway/);
    await gw.close();
    original = undefined;

    const target = path.join(tempDir('gw-restore-'), 'data');
    const restore = await runCli('src/backup/restore.cli.ts', ['--from', file], dirEnv(target));
    expect(restore).toMatchObject({ code: 0, stdout: expect.stringMatching(/1 session\(s\)/) });
    expect(fs.existsSync(path.join(target, 'sandbox-state.json'))).toBe(true);
    expect(mode(target)).toBe(0o700);
    for (const p of tree(target))
      expect([p, mode(p)]).toEqual([p, fs.statSync(p).isDirectory() ? 0o700 : 0o600]);

    // A second restore over it needs --force.
    const again = await runCli('src/backup/restore.cli.ts', ['--from', file], dirEnv(target));
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already holds data/);

    restored = await startSandboxApp(
      { SEND_MIN_INTERVAL_MS: '0', SEND_JITTER_MS: '0' },
      { link: false, dir: target },
    );
    const session = await restored.waitForStatus('default', 'connected', 30_000);
    expect(session.phone).toBe(gw.account);

    for (const id of acceptedBeforeBackup) {
      const res = await restored.get(`/api/sessions/default/messages/${id}`);
      expect([id, res.status]).toEqual([id, 200]);
    }

    // The restored link works end to end: a message to a new contact reaches the (restored) network.
    const contact = '6281299990001';
    const sent = await restored.post('/api/sessions/default/messages', {
      to: contact,
      type: 'text',
      text: 'after restore',
    });
    expect(sent.status).toBe(202);
    const got = await restored.sandbox.waitForReceived(
      contact,
      (m) => m.id === sent.body.waMessageId,
      20_000,
    );
    expect(got.text).toBe('after restore');
  });
});
