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

export async function loadCreds(store: AuthStateStore): Promise<AuthenticationCreds | null> {
  const text = await store.readCreds();
  return text ? deserialize<AuthenticationCreds>(text) : null;
}

/**
 * Baileys' AuthenticationState on top of our AuthStateStore. Every `keys.set` call becomes one SQL transaction
 * (Baileys' own transaction layer commits through a single set() spanning several key types), `null` deletes,
 * and creds are always written whole (Baileys merges partial updates into the same object first).
 */
export async function makeAuthState(
  store: AuthStateStore,
): Promise<{ state: AuthenticationState; saveCreds: () => Promise<void> }> {
  const creds = (await loadCreds(store)) ?? initAuthCreds();
  let writing = Promise.resolve();
  const state: AuthenticationState = {
    creds,
    keys: {
      get: async <T extends keyof SignalDataTypeMap>(type: T, ids: string[]) => {
        const found = await store.readKeys(type, ids);
        const out: { [id: string]: SignalDataTypeMap[T] } = {};
        for (const [id, text] of found) {
          let value = deserialize<any>(text);
          if (type === 'app-state-sync-key' && value)
            value = proto.Message.AppStateSyncKeyData.fromObject(value);
          out[id] = value;
        }
        return out;
      },
      set: async (data: SignalDataSet) => {
        const entries: { type: string; id: string; value: string | null }[] = [];
        for (const type of Object.keys(data) as (keyof SignalDataTypeMap)[]) {
          for (const [id, value] of Object.entries(data[type] ?? {})) {
            entries.push({ type, id, value: value == null ? null : serialize(value) });
          }
        }
        await store.writeKeys(entries);
      },
      clear: () => store.clear(),
    },
  };
  // Writes are chained so an older snapshot can never overwrite a newer one.
  const saveCreds = () => {
    writing = writing.then(() => store.writeCreds(serialize(state.creds)));
    return writing;
  };
  return { state, saveCreds };
}
