/**
 * Where an engine keeps a session's credentials and Signal keys. Values are opaque strings (the engine
 * serialises them); `null` deletes. Implemented on SQLite in `whatsapp/auth-state/`.
 */
export interface KeyEntry {
  type: string;
  id: string;
  value: string | null;
}

export interface AuthStateStore {
  readCreds(): Promise<string | null>;
  writeCreds(value: string): Promise<void>;
  readKeys(type: string, ids: string[]): Promise<Map<string, string>>;
  /**
   * Writes keys in one transaction. `collect` is called inside it, once, when the write's turn comes (writes
   * are group-committed, see `SqlDatabase.write`), and returns what to write: until then the caller may go on
   * adding to what it will return, so keys set several times before a commit are written once.
   */
  writeKeys(collect: () => KeyEntry[]): Promise<void>;
  clear(): Promise<void>;
}
