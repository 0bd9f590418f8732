import type { Database } from 'better-sqlite3';
import { all, run, Sql, SqlDatabase, SqlEngine } from '../database/sql/sql';
import { runOnSqlite } from '../database/sql/sqlite-database';
import { FieldCipher, secretContext } from './field-cipher';
import { SecretColumn, SECRET_COLUMNS } from './secret-columns';
import { tableExists } from './stored-secrets-check';

export interface RotationResult {
  /** Values written again under the current key (or in plain text when no key is set). */
  rewritten: number;
  /** Values that already were. */
  unchanged: number;
}

/**
 * One batch of a column's rows after `after` (their key, in key order): every value not under the current data
 * key is re-encrypted. On PostgreSQL the rows are locked for the transaction (FOR UPDATE), so a value a running
 * gateway writes meanwhile is never overwritten with an older one; SQLite's caller holds the write lock instead.
 * Returns the last row's key, or null when the column is done.
 */
function* rotateBatch(
  engine: SqlEngine,
  { table, column, rowKey }: SecretColumn,
  after: string[] | null,
  batchSize: number,
  cipher: FieldCipher,
  result: RotationResult,
): Sql<string[] | null> {
  const keyList = rowKey.map((c) => `"${c}"`).join(', ');
  const lock = engine === 'postgres' ? ' FOR UPDATE' : '';
  const rows = yield* all<Record<string, string>>(
    after
      ? `SELECT ${keyList}, "${column}" AS value FROM "${table}"
          WHERE (${keyList}) > (${rowKey.map(() => '?').join(', ')}) ORDER BY ${keyList} LIMIT ?${lock}`
      : `SELECT ${keyList}, "${column}" AS value FROM "${table}" ORDER BY ${keyList} LIMIT ?${lock}`,
    after ? [...after, batchSize] : [batchSize],
  );
  for (const row of rows) {
    const key = rowKey.map((c) => String(row[c]));
    if (row.value == null || cipher.isCurrent(row.value)) {
      result.unchanged += row.value == null ? 0 : 1;
      continue;
    }
    const context = secretContext(table, column, ...key);
    yield* run(
      `UPDATE "${table}" SET "${column}" = ? WHERE ${rowKey.map((c) => `"${c}" = ?`).join(' AND ')}`,
      [cipher.seal(cipher.open(row.value, context), context), ...key],
    );
    result.rewritten++;
  }
  return rows.length ? rowKey.map((c) => String(rows[rows.length - 1][c])) : null;
}

/**
 * Re-encrypts every stored secret (see SECRET_COLUMNS) that is not under the current data key: plain values
 * and values of older keys, in batches of `batchSize` rows, each read and rewritten in one transaction.
 */
export async function rotateStoredSecrets(
  sql: SqlDatabase,
  cipher: FieldCipher,
  batchSize = 500,
): Promise<RotationResult> {
  const result: RotationResult = { rewritten: 0, unchanged: 0 };
  for (const target of SECRET_COLUMNS) {
    if (!(await sql.read(() => tableExists(sql.engine, target.table)))) continue;
    let after: string[] | null = null;
    do {
      const from: string[] | null = after;
      const counted = { rewritten: 0, unchanged: 0 };
      after = await sql.write(() => rotateBatch(sql.engine, target, from, batchSize, cipher, counted));
      result.rewritten += counted.rewritten;
      result.unchanged += counted.unchanged;
    } while (after);
  }
  return result;
}

/**
 * The same on a SQLite file the caller holds: each batch in one IMMEDIATE transaction (SQLite's write lock),
 * and old contents zeroed on the pages they leave (secure_delete) for the length of the run.
 */
export function rotateStoredSecretsOn(db: Database, cipher: FieldCipher, batchSize = 500): RotationResult {
  const result: RotationResult = { rewritten: 0, unchanged: 0 };
  const secureDelete = db.pragma('secure_delete', { simple: true });
  db.pragma('secure_delete = ON');
  try {
    for (const target of SECRET_COLUMNS) {
      if (!runOnSqlite(db, tableExists('sqlite', target.table))) continue;
      let after: string[] | null = null;
      const batch = db.transaction(() =>
        runOnSqlite(db, rotateBatch('sqlite', target, after, batchSize, cipher, result)),
      );
      do after = batch.immediate();
      while (after);
    }
  } finally {
    db.pragma(`secure_delete = ${secureDelete ? 'ON' : 'OFF'}`);
  }
  return result;
}
