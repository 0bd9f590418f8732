import type { Database, Statement } from 'better-sqlite3';
import { DataSource } from 'typeorm';
import type { AuthStateStore, KeyEntry } from '../engine/auth-state-store';
import { rawDb, writeTransaction } from '../../database/serialized-transactions';
import { FieldCipher, secretContext } from '../../secrets/field-cipher';

/** SQLite limits bound parameters per statement; 812 pre-keys arrive in one write at first login. */
const CHUNK = 200;

const STATEMENTS = new WeakMap<Database, Map<string, Statement>>();

/**
 * Per connection and session, the last key write asked for and not yet committed. A write is queued for the
 * group commit (see `writeTransaction`) and its caller may go on without waiting; a read waits for it, so it
 * never sees the keys as they were before a write already asked for. Kept per session rather than per store
 * object: a reconnect makes a new store while the old connection's last write may still be pending.
 */
const PENDING = new WeakMap<Database, Map<string, Promise<void>>>();

/**
 * A session's auth state in SQLite. Uses the raw better-sqlite3 handle through TypeORM's DataSource: Baileys
 * reads and writes keys on every message, and prepared statements in one synchronous transaction (taking its
 * turn with every other write, see `writeTransaction`) are both atomic and far cheaper than the ORM here.
 *
 * Values are encrypted here, at the store's boundary, with the data key (see `FieldCipher`; plain text when no
 * key is set), each bound to its row: the engine's key cache above keeps decrypted values, so a message costs
 * the encryption of the keys it writes, and a decryption only for a key not in the cache.
 */
export class SqliteAuthStateStore implements AuthStateStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly sessionId: string,
    private readonly cipher: FieldCipher,
  ) {}

  private credsContext(): string {
    return secretContext('auth_creds', 'value', this.sessionId);
  }

  private keyContext(type: string, id: string): string {
    return secretContext('auth_keys', 'value', this.sessionId, type, id);
  }

  private get db(): Database {
    return rawDb(this.dataSource);
  }

  /**
   * Prepared statements, kept per connection: Baileys reads and writes keys several times per message, and
   * compiling the SQL each time was a measurable share of a send.
   */
  private stmt(sql: string): Statement {
    const db = this.db;
    let cache = STATEMENTS.get(db);
    if (!cache) STATEMENTS.set(db, (cache = new Map()));
    let statement = cache.get(sql);
    if (!statement) cache.set(sql, (statement = db.prepare(sql)));
    return statement;
  }

  async readCreds(): Promise<string | null> {
    const row = this.stmt('SELECT value FROM auth_creds WHERE session_id = ?').get(this.sessionId) as
      { value: string } | undefined;
    return row ? this.cipher.open(row.value, this.credsContext()) : null;
  }

  async writeCreds(value: string): Promise<void> {
    const sealed = this.cipher.seal(value, this.credsContext());
    await writeTransaction(this.dataSource, () =>
      this.stmt(
        'INSERT INTO auth_creds (session_id, value, updated_at) VALUES (?, ?, ?) ' +
          'ON CONFLICT(session_id) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
      ).run(this.sessionId, sealed, Date.now()),
    );
  }

  async readKeys(type: string, ids: string[]): Promise<Map<string, string>> {
    const pending = PENDING.get(this.db)?.get(this.sessionId);
    if (pending) await pending.catch(() => undefined);
    const out = new Map<string, string>();
    for (let i = 0; i < ids.length; i += CHUNK) {
      const chunk = ids.slice(i, i + CHUNK);
      const rows = this.stmt(
        `SELECT id, value FROM auth_keys WHERE session_id = ? AND type = ? AND id IN (${chunk.map(() => '?').join(',')})`,
      ).all(this.sessionId, type, ...chunk) as { id: string; value: string }[];
      for (const r of rows) out.set(r.id, this.cipher.open(r.value, this.keyContext(type, r.id)));
    }
    return out;
  }

  writeKeys(collect: () => KeyEntry[]): Promise<void> {
    const upsert = this.stmt(
      'INSERT INTO auth_keys (session_id, type, id, value) VALUES (?, ?, ?, ?) ' +
        'ON CONFLICT(session_id, type, id) DO UPDATE SET value = excluded.value',
    );
    const remove = this.stmt('DELETE FROM auth_keys WHERE session_id = ? AND type = ? AND id = ?');
    // A batch that fails runs each of its writes again alone: `collect` answers the same entries then.
    let entries: KeyEntry[] | null = null;
    const write = writeTransaction(this.dataSource, () => {
      entries ??= collect();
      for (const e of entries) {
        if (e.value === null) remove.run(this.sessionId, e.type, e.id);
        else
          upsert.run(this.sessionId, e.type, e.id, this.cipher.seal(e.value, this.keyContext(e.type, e.id)));
      }
    });
    const pending = PENDING.get(this.db) ?? new Map<string, Promise<void>>();
    PENDING.set(this.db, pending);
    pending.set(this.sessionId, write);
    const settled = () => {
      if (pending.get(this.sessionId) === write) pending.delete(this.sessionId);
    };
    write.then(settled, settled);
    return write;
  }

  async clear(): Promise<void> {
    PENDING.get(this.db)?.delete(this.sessionId);
    await writeTransaction(this.dataSource, () => {
      this.db.prepare('DELETE FROM auth_keys WHERE session_id = ?').run(this.sessionId);
      this.db.prepare('DELETE FROM auth_creds WHERE session_id = ?').run(this.sessionId);
    });
  }

  /** Rows held for this session (creds + keys), for tests and diagnostics. */
  countRows(): number {
    const count = (sql: string) => Number((this.stmt(sql).get(this.sessionId) as { n: number }).n);
    return (
      count('SELECT COUNT(*) AS n FROM auth_keys WHERE session_id = ?') +
      count('SELECT COUNT(*) AS n FROM auth_creds WHERE session_id = ?')
    );
  }
}
