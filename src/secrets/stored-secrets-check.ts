import type { Database } from 'better-sqlite3';
import { all, get, Sql, SqlEngine } from '../database/sql/sql';
import { runOnSqlite } from '../database/sql/sqlite-database';
import { ENCRYPTED_PREFIX, FieldCipher, secretContext } from './field-cipher';
import { SECRET_COLUMNS } from './secret-columns';

/** Stored secrets the configured keys cannot read: the gateway must not start (it would unlink sessions). */
export class StoredSecretsError extends Error {}

export interface StoredSecretsSummary {
  /** Values per key id (`''` = plain text). */
  byKey: Map<string, number>;
}

const PREFIX_LENGTH = ENCRYPTED_PREFIX.length;

export function* tableExists(engine: SqlEngine, table: string): Sql<boolean> {
  const sql =
    engine === 'sqlite'
      ? `SELECT 1 AS x FROM sqlite_master WHERE type = 'table' AND name = ?`
      : `SELECT 1 AS x FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?`;
  return !!(yield* get(sql, [table]));
}

/** `checkStoredSecrets` on a raw SQLite handle (tools that open the file themselves). */
export function checkStoredSecretsOn(db: Database, cipher: FieldCipher): StoredSecretsSummary {
  return runOnSqlite(db, checkStoredSecrets('sqlite', cipher));
}

/**
 * Counts the stored secrets per key id and proves each key id can be read: it is configured, and it decrypts
 * one of its values in every column. Throws a StoredSecretsError saying what to configure otherwise. One pass
 * over each column; tables that do not exist yet (a new database) are skipped.
 */
export function* checkStoredSecrets(engine: SqlEngine, cipher: FieldCipher): Sql<StoredSecretsSummary> {
  const byKey = new Map<string, number>();
  const instr = engine === 'sqlite' ? 'instr' : 'strpos';
  for (const { table, column, rowKey } of SECRET_COLUMNS) {
    if (!(yield* tableExists(engine, table))) continue;
    const kid = `CASE WHEN substr("${column}", 1, ${PREFIX_LENGTH}) = '${ENCRYPTED_PREFIX}'
      THEN substr("${column}", ${PREFIX_LENGTH + 1}, ${instr}(substr("${column}", ${PREFIX_LENGTH + 1}), ':') - 1)
      ELSE '' END`;
    const rows = yield* all<{ kid: string; n: number | string }>(
      `SELECT kid, COUNT(*) AS n FROM (SELECT ${kid} AS kid FROM "${table}" WHERE "${column}" IS NOT NULL) AS k
        GROUP BY kid`,
    );
    for (const { kid: keyId, n: count } of rows) {
      const n = Number(count);
      byKey.set(keyId, (byKey.get(keyId) ?? 0) + n);
      if (keyId === '') continue;
      if (!cipher.knows(keyId)) {
        throw new StoredSecretsError(
          `${n} stored secret(s) in ${table}.${column} are encrypted with data key "${keyId}", which is not ` +
            'configured: set it as DATA_ENCRYPTION_KEY or add it to DATA_ENCRYPTION_OLD_KEYS. The gateway does ' +
            'not start without it (it would have to unlink the WhatsApp sessions).',
        );
      }
      const sample = (yield* get<Record<string, string>>(
        `SELECT ${rowKey.map((c) => `"${c}"`).join(', ')}, "${column}" AS value FROM "${table}"
          WHERE substr("${column}", 1, ?) = ? LIMIT 1`,
        [PREFIX_LENGTH + keyId.length + 1, `${ENCRYPTED_PREFIX}${keyId}:`],
      ))!;
      try {
        cipher.open(sample.value, secretContext(table, column, ...rowKey.map((c) => String(sample[c]))));
      } catch {
        throw new StoredSecretsError(
          `the data key configured as "${keyId}" does not decrypt the secrets stored under that id ` +
            `(${table}.${column}): it is a different key. Configure the key that encrypted them. The gateway ` +
            'does not start with a wrong key (it would have to unlink the WhatsApp sessions).',
        );
      }
    }
  }
  return { byKey };
}

/** One line about the stored secrets for the boot log, or null when there is nothing to say. */
export function describeStoredSecrets(summary: StoredSecretsSummary, cipher: FieldCipher): string | null {
  const plain = summary.byKey.get('') ?? 0;
  let underOld = 0;
  for (const [keyId, n] of summary.byKey) if (keyId !== '' && keyId !== cipher.currentKeyId) underOld += n;
  const parts: string[] = [];
  if (cipher.encrypting && plain) parts.push(`${plain} still in plain text`);
  if (underOld) parts.push(`${underOld} under older data keys`);
  if (!parts.length) return null;
  const target = cipher.encrypting
    ? `re-encrypted with data key "${cipher.currentKeyId}"`
    : 'stored in plain text';
  return `Stored secrets: ${parts.join(', ')}; each is ${target} at its next write, or all at once by \`npm run keys:rotate\``;
}
