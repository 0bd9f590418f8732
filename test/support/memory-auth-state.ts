import {
  BufferJSON,
  initAuthCreds,
  proto,
  type AuthenticationCreds,
  type AuthenticationState,
  type SignalDataTypeMap,
} from '@whiskeysockets/baileys';

/**
 * Baileys auth state kept in memory, like a gateway keeps it in its database: creds plus a key map. It can be
 * serialised with BufferJSON and restored, which is how the tests prove a client survives a restart.
 */
export class MemoryAuthState {
  readonly state: AuthenticationState;
  private readonly keys: Map<string, unknown>;

  private constructor(creds: AuthenticationCreds, keys: [string, unknown][]) {
    this.keys = new Map(keys);
    const store = this.keys;
    this.state = {
      creds,
      keys: {
        get: async <T extends keyof SignalDataTypeMap>(type: T, ids: string[]) => {
          const out: { [id: string]: SignalDataTypeMap[T] } = {};
          for (const id of ids) {
            let value = store.get(`${type}:${id}`);
            if (value === undefined) continue;
            if (type === 'app-state-sync-key')
              value = proto.Message.AppStateSyncKeyData.fromObject(value as object);
            out[id] = value as SignalDataTypeMap[T];
          }
          return out;
        },
        set: async (data) => {
          for (const [type, entries] of Object.entries(data)) {
            for (const [id, value] of Object.entries(entries ?? {})) {
              if (value === null || value === undefined) store.delete(`${type}:${id}`);
              else store.set(`${type}:${id}`, value);
            }
          }
        },
        clear: async () => store.clear(),
      },
    };
  }

  static fresh(): MemoryAuthState {
    return new MemoryAuthState(initAuthCreds(), []);
  }

  /** Restores from serialize() output. */
  static restore(serialized: string): MemoryAuthState {
    const { creds, keys } = JSON.parse(serialized, BufferJSON.reviver) as {
      creds: AuthenticationCreds;
      keys: [string, unknown][];
    };
    return new MemoryAuthState(creds, keys);
  }

  serialize(): string {
    return JSON.stringify({ creds: this.state.creds, keys: [...this.keys] }, BufferJSON.replacer);
  }
}
