import { Logger } from '@nestjs/common';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AppConfig } from '../config/app-config';
import { BackupScheduler } from './backup.scheduler';

describe('BackupScheduler (real files)', () => {
  afterEach(() => jest.restoreAllMocks());

  it('logs a failed backup as an error, leaves nothing behind and keeps going', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'gw-sched-fail-'));
    const config = Object.assign(new AppConfig(), {
      DATA_DIR: root,
      DATABASE_PATH: path.join(root, 'missing.db'),
      BACKUP_DIR: path.join(root, 'backups'),
    });
    const errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    await expect(new BackupScheduler(config).runOnce()).resolves.toBeUndefined();
    expect(errors).toHaveBeenCalledWith(
      expect.stringMatching(/^Scheduled backup to .+ failed: no database at /),
    );
    expect(fs.readdirSync(path.join(root, 'backups'))).toEqual([]);
    fs.rmSync(root, { recursive: true, force: true });
  });
});
