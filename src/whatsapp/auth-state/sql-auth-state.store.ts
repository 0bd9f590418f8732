import type { AuthStateStore, KeyEntry } from '../engine/auth-state-store';
import { all, execute, get, run, Sql, SqlDatabase } from '../../database/sql/sql';
import { FieldCipher, secretContext } from '../../secrets/field-cipher';
import { NoFence, SessionFence } from '../../cluster/session-fence';

/** Ids per statement: SQLite limits bound parameters, and 812 pre-keys arrive in one write at first login. */
const CHUNK = 200;

/**
 * Per database and session, the last key write asked for and not yet committed. A write is queued for the
 * group commit (see `SqlDatabase.write`) and its caller may go on without waiting; a read waits for it, so it
 * never sees the keys as they were before a write already asked for. Kept per session rather than per store
 * object: a reconnect makes a new store while the old connection's last write may still be pending.
 */
const PENDING = new WeakMap<SqlDatabase, Map<string, Promise<void>>>();

/**
 * A session's auth state in the database (SQLite or PostgreSQL, through the SQL port). Baileys reads and writes
 * keys on every message: plain statements in the group-committed write lane, not the ORM.
 *
 * Values are encrypted here, at the store's boundary, with the data key (see `FieldCipher`; plain text when no
 * key is set), each bound to its row: the engine's key cache above keeps decrypted values, so a message costs
 * the encryption of the keys it writes, and a decryption only for a key not in the cache.
 *
 * In a cluster every write is fenced by the session's lease (see `SessionFence`): a node that lost the session
 * cannot change the credentials or keys its new owner uses.
 */
export class SqlAuthStateStore implements AuthStateStore {
  constructor(
    private readonly sql: SqlDatabase,
    private readonly sessionId: string,
    private readonly cipher: FieldCipher,
    private readonly fence: SessionFence = new NoFence(),
  ) {}

  private credsContext(): string {
    return secretContext('auth_creds', 'value', this.sessionId);
  }

  private keyContext(type: string, id: string): string {
    return secretContext('auth_keys', 'value', this.sessionId, type, id);
  }

  async readCreds(): Promise<string | null> {
    const row = await this.sql.read(() =>
      get<{ value: string }>('SELECT value FROM auth_creds WHERE session_id = ?', [this.sessionId]),
    );
    return row ? this.cipher.open(row.value, this.credsContext()) : null;
  }

  async writeCreds(value: string): Promise<void> {
    const sealed = this.cipher.seal(value, this.credsContext());
    const { fence, sessionId } = this;
    await this.sql.write(function* () {
      yield* fence.check(sessionId);
      yield* execute(
        'INSERT INTO auth_creds (session_id, value, updated_at) VALUES (?, ?, ?) ' +
          'ON CONFLICT (session_id) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
        [sessionId, sealed, Date.now()],
      );
    });
  }

  async readKeys(type: string, ids: string[]): Promise<Map<string, string>> {
    const pending = PENDING.get(this.sql)?.get(this.sessionId);
    if (pending) await pending.catch(() => undefined);
    const rows = await this.sql.read(() => this.selectKeys(type, ids));
    const out = new Map<string, string>();
    for (const r of rows) out.set(r.id, this.cipher.open(r.value, this.keyContext(type, r.id)));
    return out;
  }

  private *selectKeys(type: string, ids: string[]): Sql<{ id: string; value: string }[]> {
    const rows: { id: string; value: string }[] = [];
    for (let i = 0; i < ids.length; i += CHUNK) {
      const chunk = ids.slice(i, i + CHUNK);
      rows.push(
        ...(yield* all<{ id: string; value: string }>(
          `SELECT id, value FROM auth_keys WHERE session_id = ? AND type = ? AND id IN (${chunk.map(() => '?').join(',')})`,
          [this.sessionId, type, ...chunk],
        )),
      );
    }
    return rows;
  }

  writeKeys(collect: () => KeyEntry[]): Promise<void> {
    // A batch that fails runs each of its writes again alone: `collect` answers the same entries then.
    let entries: KeyEntry[] | null = null;
    const write = this.sql.write(() => {
      entries ??= collect();
      return this.upsertKeys(entries);
    });
    const pending = PENDING.get(this.sql) ?? new Map<string, Promise<void>>();
    PENDING.set(this.sql, pending);
    pending.set(this.sessionId, write);
    const settled = () => {
      if (pending.get(this.sessionId) === write) pending.delete(this.sessionId);
    };
    write.then(settled, settled);
    return write;
  }

  private *upsertKeys(entries: KeyEntry[]): Sql<void> {
    yield* this.fence.check(this.sessionId);
    for (const e of entries) {
      if (e.value === null)
        yield* execute('DELETE FROM auth_keys WHERE session_id = ? AND type = ? AND id = ?', [
          this.sessionId,
          e.type,
          e.id,
        ]);
      else
        yield* execute(
          'INSERT INTO auth_keys (session_id, type, id, value) VALUES (?, ?, ?, ?) ' +
            'ON CONFLICT (session_id, type, id) DO UPDATE SET value = excluded.value',
          [this.sessionId, e.type, e.id, this.cipher.seal(e.value, this.keyContext(e.type, e.id))],
        );
    }
  }

  async clear(): Promise<void> {
    PENDING.get(this.sql)?.delete(this.sessionId);
    const { fence, sessionId: session } = this;
    await this.sql.write(function* () {
      yield* fence.check(session);
      yield* run('DELETE FROM auth_keys WHERE session_id = ?', [session]);
      yield* run('DELETE FROM auth_creds WHERE session_id = ?', [session]);
    });
  }

  /** Rows held for this session (creds + keys), for tests and diagnostics. */
  countRows(): Promise<number> {
    const session = this.sessionId;
    return this.sql.read(function* () {
      const keys = yield* get<{ n: number }>('SELECT COUNT(*) AS n FROM auth_keys WHERE session_id = ?', [
        session,
      ]);
      const creds = yield* get<{ n: number }>('SELECT COUNT(*) AS n FROM auth_creds WHERE session_id = ?', [
        session,
      ]);
      return Number(keys!.n) + Number(creds!.n);
    });
  }
}
