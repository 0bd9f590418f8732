import type { Database } from 'better-sqlite3';
import { FieldCipher, secretContext } from './field-cipher';
import { SECRET_COLUMNS } from './secret-columns';

export interface RotationResult {
  /** Values written again under the current key (or in plain text when no key is set). */
  rewritten: number;
  /** Values that already were. */
  unchanged: number;
}

/**
 * Re-encrypts every stored secret (see SECRET_COLUMNS) that is not under the current data key: plain values
 * and values of older keys. Rows are taken in batches, each read and rewritten in one IMMEDIATE transaction
 * (holding SQLite's write lock), so a value a running gateway writes meanwhile is never overwritten with an
 * older one. Old contents are zeroed on the pages they leave (secure_delete) for the length of the run.
 */
export function rotateStoredSecrets(db: Database, cipher: FieldCipher, batchSize = 500): RotationResult {
  const result: RotationResult = { rewritten: 0, unchanged: 0 };
  const secureDelete = db.pragma('secure_delete', { simple: true });
  db.pragma('secure_delete = ON');
  try {
    for (const { table, column, rowKey } of SECRET_COLUMNS) {
      const exists = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(table);
      if (!exists) continue;
      const keyList = rowKey.map((c) => `"${c}"`).join(', ');
      const first = db.prepare(
        `SELECT ${keyList}, "${column}" AS value FROM "${table}" ORDER BY ${keyList} LIMIT ?`,
      );
      const next = db.prepare(
        `SELECT ${keyList}, "${column}" AS value FROM "${table}" WHERE (${keyList}) > (${rowKey.map(() => '?').join(', ')})
          ORDER BY ${keyList} LIMIT ?`,
      );
      const update = db.prepare(
        `UPDATE "${table}" SET "${column}" = ? WHERE ${rowKey.map((c) => `"${c}" = ?`).join(' AND ')}`,
      );
      let after: string[] | null = null;
      const batch = db.transaction(() => {
        const rows = (after ? next.all(...after, batchSize) : first.all(batchSize)) as Record<
          string,
          string
        >[];
        for (const row of rows) {
          const key = rowKey.map((c) => String(row[c]));
          if (row.value == null || cipher.isCurrent(row.value)) {
            result.unchanged += row.value == null ? 0 : 1;
            continue;
          }
          const context = secretContext(table, column, ...key);
          update.run(cipher.seal(cipher.open(row.value, context), context), ...key);
          result.rewritten++;
        }
        return rows.length ? rowKey.map((c) => rows[rows.length - 1][c]) : null;
      });
      do after = batch.immediate();
      while (after);
    }
  } finally {
    db.pragma(`secure_delete = ${secureDelete ? 'ON' : 'OFF'}`);
  }
  return result;
}
