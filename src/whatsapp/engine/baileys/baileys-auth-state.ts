import {
  AuthenticationCreds,
  AuthenticationState,
  BufferJSON,
  initAuthCreds,
  proto,
  SignalDataSet,
  SignalDataTypeMap,
} from '@whiskeysockets/baileys';
import type { AuthStateStore } from '../auth-state-store';

export const serialize = (value: unknown): string => JSON.stringify(value, BufferJSON.replacer);
export const deserialize = <T>(text: string): T => JSON.parse(text, BufferJSON.reviver) as T;

/**
 * A Signal key value as stored. Session records (one written per message sent or received) come from
 * libsignal's `serialize()`, plain objects of base64 strings: those skip the replacer, which is called for
 * every key of the object and was most of the cost. Anything holding a Buffer (its toJSON output names its
 * type) takes the replacer path, so what is stored is always what `deserialize` reads back.
 */
function serializeKey(type: string, value: unknown): string {
  if (type === 'session') {
    const plain = JSON.stringify(value);
    if (!plain.includes('"type":"Buffer"')) return plain;
  }
  return serialize(value);
}

export async function loadCreds(store: AuthStateStore): Promise<AuthenticationCreds | null> {
  const text = await store.readCreds();
  return text ? deserialize<AuthenticationCreds>(text) : null;
}

/** Keys of one connection kept in memory, at most this many (least recently used leave first). */
const KEY_CACHE_SIZE = 2000;

/**
 * Signal keys in memory in front of the store: values as Baileys uses them, and `null` for a key known to be
 * absent (Baileys looks up missing `tctoken`s on every send). Coherent because every write of the session's
 * keys goes through it: one connection owns a session's keys.
 */
class KeyCache {
  private readonly entries = new Map<string, unknown>();

  get(key: string): unknown {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(key: string, value: unknown): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > KEY_CACHE_SIZE) this.entries.delete(this.entries.keys().next().value!);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}

const cacheKey = (type: string, id: string) => `${type}/${id}`;

export interface AuthStateOptions {
  /** A key write that failed after `set` returned (see `keys.set`), or a creds write that failed. */
  onWriteError?: (err: Error) => void;
}

/**
 * Baileys' AuthenticationState on top of our AuthStateStore, with the keys read through an in-memory cache.
 *
 * `keys.set` updates the cache and asks the store for the write (`null` deletes) without waiting for its
 * commit; the keys set before that write runs go into it, serialised then, once each (a contact's session record
 * is rewritten by every message to it, several times per turn while the queue drains). The write joins the
 * group commit of the current event-loop turn,
 * so a message's new ratchet state lands in the same SQLite transaction as the message's `sent` mark instead
 * of one commit of its own before it. Baileys itself commits a send's keys only after the message has gone
 * out, so this moves the commit by one turn of the loop, not across the send. Reads stay coherent: the cache
 * answers with the newest value, and the store makes a read wait for the session's pending write. A write that
 * fails is reported and its keys are dropped from the cache, so the next read gets what SQLite holds.
 *
 * Creds are always written whole (Baileys merges partial updates into the same object first), in order, and
 * waited for.
 */
export async function makeAuthState(
  store: AuthStateStore,
  options: AuthStateOptions = {},
): Promise<{
  state: AuthenticationState;
  saveCreds: () => Promise<void>;
  /**
   * Resolves once every key set so far is committed. Rejects once any key write has failed: what Baileys holds
   * in memory may then be ahead of SQLite, so nothing more is sent on this connection (it is ended).
   */
  keysDurable: () => Promise<void>;
}> {
  const creds = (await loadCreds(store)) ?? initAuthCreds();
  const cache = new KeyCache();
  let writing = Promise.resolve();
  /** Keys set since the pending write was asked for and before it ran: the newest value of each. */
  let unwritten: Map<string, { type: string; id: string; value: unknown }> | null = null;
  /** Key writes asked for and not yet settled. */
  const pending = new Set<Promise<void>>();
  /** The first key write that failed: the keys in memory are ahead of SQLite from then on. */
  let failed: Error | null = null;
  /**
   * Asks the store for a write that takes, when it runs, the keys set until then: a session record that
   * several sends of one turn update is serialised and written once, with its newest value.
   */
  const startWrite = () => {
    const keys = new Map<string, { type: string; id: string; value: unknown }>();
    const write = store.writeKeys(() => {
      if (unwritten === keys) unwritten = null;
      return [...keys.values()].map((e) => ({
        type: e.type,
        id: e.id,
        value: e.value === null ? null : serializeKey(e.type, e.value),
      }));
    });
    pending.add(write);
    write.then(
      () => pending.delete(write),
      (err: Error) => {
        pending.delete(write);
        failed ??= err;
        for (const key of keys.keys()) cache.delete(key);
        options.onWriteError?.(err);
      },
    );
    return keys;
  };
  const state: AuthenticationState = {
    creds,
    keys: {
      get: async <T extends keyof SignalDataTypeMap>(type: T, ids: string[]) => {
        const out: { [id: string]: SignalDataTypeMap[T] } = {};
        let missing: string[] | null = null;
        for (const id of ids) {
          const value = cache.get(cacheKey(type, id));
          if (value === undefined) (missing ??= []).push(id);
          else if (value !== null) out[id] = value as SignalDataTypeMap[T];
        }
        if (!missing) return out;
        const found = await store.readKeys(type, missing);
        for (const id of missing) {
          const key = cacheKey(type, id);
          // Written while the read was under way: the cache has the newer value.
          let value = cache.get(key);
          if (value === undefined) {
            const text = found.get(id);
            value = text === undefined ? null : deserialize<unknown>(text);
            if (type === 'app-state-sync-key' && value)
              value = proto.Message.AppStateSyncKeyData.fromObject(value as object);
            // A pre-key is read once, when a contact starts a session with it: not worth a cache slot.
            if (type !== 'pre-key') cache.set(key, value);
          }
          if (value !== null) out[id] = value as SignalDataTypeMap[T];
        }
        return out;
      },
      set: (data: SignalDataSet) => {
        for (const type of Object.keys(data) as (keyof SignalDataTypeMap)[]) {
          for (const [id, value] of Object.entries(data[type] ?? {})) {
            const key = cacheKey(type, id);
            // Pre-keys arrive by the hundred at login and are each read at most once.
            if (type === 'pre-key' && value != null) cache.delete(key);
            else cache.set(key, value ?? null);
            (unwritten ??= startWrite()).set(key, { type, id, value: value ?? null });
          }
        }
        return Promise.resolve();
      },
      clear: async () => {
        cache.clear();
        await store.clear();
      },
    },
  };
  // Writes are chained so an older snapshot can never overwrite a newer one; a failed one does not stop the
  // next (it writes the newest snapshot). A failure (e.g. a write fenced in a cluster: the session is owned
  // elsewhere now) is reported like a key write's, and the promise answered is settled either way.
  const saveCreds = (): Promise<void> => {
    const write = writing.then(() => store.writeCreds(serialize(state.creds)));
    writing = write.catch((err: Error) => {
      options.onWriteError?.(err);
    });
    return writing;
  };
  const keysDurable = async () => {
    await Promise.all(pending);
    if (failed) throw failed;
  };
  return { state, saveCreds, keysDurable };
}
