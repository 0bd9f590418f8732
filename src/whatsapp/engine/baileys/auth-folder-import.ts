import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AuthenticationCreds } from '@whiskeysockets/baileys';
import type { AuthStateStore } from '../auth-state-store';
import type { AccountIdentity } from '../engine.types';
import { deserialize, serialize } from './baileys-auth-state';
import { lidOf, normalizeJid, phoneOf } from './jid';

/** Key types as Baileys' multi-file store names them: `<type>-<id>.json`, with `/` as `__` and `:` as `-`. */
const KEY_TYPES = [
  'app-state-sync-version',
  'app-state-sync-key',
  'sender-key-memory',
  'device-list',
  'identity-key',
  'lid-mapping',
  'sender-key',
  'pre-key',
  'session',
  'tctoken',
];

function unfixName(name: string): string {
  return name.replace(/__/g, '/').replace(/-/g, ':');
}

/**
 * Reads a folder written by Baileys' `useMultiFileAuthState` (the seed's `auth_info_baileys/`) into our store,
 * so an already-linked account keeps its link. Returns the account found, or null when the folder has no
 * linked creds.
 */
export async function importAuthFolder(dir: string, store: AuthStateStore): Promise<AccountIdentity | null> {
  const credsFile = path.join(dir, 'creds.json');
  if (!fs.existsSync(credsFile)) throw new Error(`${credsFile} not found: not a Baileys auth folder`);
  const creds = deserialize<AuthenticationCreds>(fs.readFileSync(credsFile, 'utf8'));
  const entries: { type: string; id: string; value: string }[] = [];
  for (const file of fs.readdirSync(dir)) {
    if (file === 'creds.json' || !file.endsWith('.json')) continue;
    const base = file.slice(0, -'.json'.length);
    const type = KEY_TYPES.find((t) => base.startsWith(`${t}-`));
    if (!type) continue;
    const id = unfixName(base.slice(type.length + 1));
    const value = deserialize<unknown>(fs.readFileSync(path.join(dir, file), 'utf8'));
    entries.push({ type, id, value: serialize(value) });
  }
  await store.clear();
  await store.writeKeys(() => entries);
  await store.writeCreds(serialize(creds));
  if (!creds.me?.id) return null;
  const jid = normalizeJid(creds.me.id);
  return { phone: phoneOf(jid) ?? '', jid, lid: lidOf(creds.me.lid ?? null), name: creds.me.name ?? null };
}
