import type { proto } from '@whiskeysockets/baileys';

/** A WhatsApp Web version as a client states it at login (`userAgent.appVersion`). */
export type ClientVersion = [number, number, number];

/** `2.3000.1023456789` -> [2, 3000, 1023456789]; throws for anything else. */
export function parseClientVersion(text: string): ClientVersion {
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(text.trim());
  if (!m) throw new Error(`not a WhatsApp Web version: ${text}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** The version in a client's login or registration payload ([0, 0, 0] when it states none). */
export function clientVersionOf(payload: proto.IClientPayload): ClientVersion {
  const v = payload.userAgent?.appVersion;
  return [v?.primary ?? 0, v?.secondary ?? 0, v?.tertiary ?? 0];
}

/** Whether `version` is older than `min`. */
export function isOlder(version: ClientVersion, min: ClientVersion): boolean {
  for (let i = 0; i < 3; i++) if (version[i] !== min[i]) return version[i] < min[i];
  return false;
}

/**
 * WhatsApp's answer to a client whose version is too old, right after the handshake and before anything else:
 * `<failure reason="405"/>` (Baileys' `CB:failure` handler ends the socket with status code 405).
 */
export const OUTDATED_CLIENT_FAILURE = { tag: 'failure', attrs: { reason: '405', location: 'sandbox' } };
