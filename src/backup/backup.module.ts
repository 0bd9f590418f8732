import { Module } from '@nestjs/common';
import { BackupScheduler } from './backup.scheduler';

/** The gateway's own scheduled backups (BACKUP_DIR); `npm run backup` / `npm run restore` are the manual ones. */
@Module({ providers: [BackupScheduler] })
export class BackupModule {}
