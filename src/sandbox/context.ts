import type { EventEmitter } from 'node:events';
import type { ClientVersion } from './client-version';
import type { ClientConnection } from './connection';
import type { ConnectionLog } from './connection-log';
import type { MediaServer } from './media-server';
import type { SandboxStore } from './sandbox-store';
import type { SandboxLog } from './types';

export interface ReceiptTiming {
  deliveredAfterMs: number;
  readAfterMs: number;
}

export interface ResolvedOptions {
  receipts: ReceiptTiming | false;
  qrRefs: number;
  /** Clients older than this are refused at login (405), as WhatsApp refuses outdated clients; null = any. */
  minVersion: ClientVersion | null;
  /** A logged-in connection that sends nothing for this long is closed (`idle`); 0 = never. */
  idleTimeoutMs: number;
}

/** The live connections of linked companions, keyed by account phone and device id. */
export class Registry {
  private readonly online = new Map<string, Map<number, ClientConnection>>();

  get(phone: string, deviceId: number): ClientConnection | undefined {
    return this.online.get(phone)?.get(deviceId);
  }

  /** Registers a logged-in connection and returns the one it replaces, if any. */
  set(phone: string, deviceId: number, conn: ClientConnection): ClientConnection | undefined {
    let devices = this.online.get(phone);
    if (!devices) this.online.set(phone, (devices = new Map()));
    const previous = devices.get(deviceId);
    devices.set(deviceId, conn);
    return previous === conn ? undefined : previous;
  }

  /** Removes the entry only if it still points at this connection (a newer login may have replaced it). */
  remove(phone: string, deviceId: number, conn: ClientConnection): boolean {
    const devices = this.online.get(phone);
    if (devices?.get(deviceId) !== conn) return false;
    devices.delete(deviceId);
    return true;
  }

  connections(phone: string): { deviceId: number; conn: ClientConnection }[] {
    return [...(this.online.get(phone)?.entries() ?? [])].map(([deviceId, conn]) => ({ deviceId, conn }));
  }

  all(): ClientConnection[] {
    return [...this.online.values()].flatMap((m) => [...m.values()]);
  }
}

/** What the protocol handlers share. */
export interface SandboxContext {
  store: SandboxStore;
  registry: Registry;
  /** Every logged-in connection per device, and overlapping logins (GET /connections). */
  connections: ConnectionLog;
  media: MediaServer;
  events: EventEmitter;
  log: SandboxLog;
  options: ResolvedOptions;
}

export const unixNow = (): string => String(Math.floor(Date.now() / 1000));

export const pnJid = (phone: string, device = 0): string =>
  device ? `${phone}:${device}@s.whatsapp.net` : `${phone}@s.whatsapp.net`;

export const lidJid = (lid: string, device = 0): string => (device ? `${lid}:${device}@lid` : `${lid}@lid`);
