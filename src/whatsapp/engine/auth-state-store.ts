/**
 * Where an engine keeps a session's credentials and Signal keys. Values are opaque strings (the engine
 * serialises them); `null` deletes. Implemented on SQLite in `whatsapp/auth-state/`.
 */
export interface AuthStateStore {
  readCreds(): Promise<string | null>;
  writeCreds(value: string): Promise<void>;
  readKeys(type: string, ids: string[]): Promise<Map<string, string>>;
  /** All writes of one call land in one transaction. */
  writeKeys(entries: { type: string; id: string; value: string | null }[]): Promise<void>;
  clear(): Promise<void>;
}
