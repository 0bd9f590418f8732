import { mkdirSync, readdirSync, unlinkSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import * as path from 'node:path';

/** The temporary file a save writes before renaming it over `file` (one per process). */
export const tempFileOf = (file: string): string => `${file}.${process.pid}.tmp`;

/**
 * Writes `data` to `file` so that a crash at any moment leaves either the old or the new content: write to a
 * temporary file, fsync it, rename it over the target, then fsync the directory so the rename itself is durable.
 */
export async function writeFileDurably(file: string, data: string): Promise<void> {
  const tmp = tempFileOf(file);
  const handle = await open(tmp, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, file);
  const dir = await open(path.dirname(file), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

/**
 * Creates the state file's directory if it is missing, and removes temporary files a crashed process left
 * next to it (`<file>.<pid>.tmp`). Returns how many it removed.
 */
export function prepareStateDir(file: string): number {
  const dir = path.dirname(file);
  mkdirSync(dir, { recursive: true });
  const prefix = `${path.basename(file)}.`;
  let removed = 0;
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(prefix) || !/^\d+\.tmp$/.test(name.slice(prefix.length))) continue;
    unlinkSync(path.join(dir, name));
    removed += 1;
  }
  return removed;
}
