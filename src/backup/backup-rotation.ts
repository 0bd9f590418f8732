const NAME = /^gateway-backup-(\d{8}T\d{9}Z)\.tar\.gz$/;

/** The file name of a scheduled backup taken at `at`: `gateway-backup-20261202T130500123Z.tar.gz` (UTC). */
export function backupFileName(at: Date): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').replace('.', '');
  return `gateway-backup-${stamp}.tar.gz`;
}

/**
 * Of the file names in the backup folder, the scheduled backups beyond the newest `keep` (oldest last in
 * line); other files are never named.
 */
export function backupsToPrune(names: string[], keep: number): string[] {
  return names
    .filter((n) => NAME.test(n))
    .sort()
    .reverse()
    .slice(keep);
}
