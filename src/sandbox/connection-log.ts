import type { ClientConnection } from './connection';
import { pnJid } from './context';

/** One logged-in connection of a linked device (times in epoch ms; `closedAt`/`reason` null while open). */
export interface ConnectionRecord {
  openedAt: number;
  closedAt: number | null;
  /**
   * Why it closed: `replaced` (a newer login of the same device, stream error 440), `idle` (nothing received for
   * `idleTimeoutMs`), `closed by client`, `dropped` (the control API dropped it), `logout`, `stream error <code>`,
   * `sandbox stopped`, `protocol error`.
   */
  reason: string | null;
}

export interface DeviceConnections {
  deviceJid: string;
  phone: string;
  /** Oldest first (the last `MAX_RECORDS_PER_DEVICE`). */
  connections: ConnectionRecord[];
}

/** A login of a device while its previous connection was still open: two clients held the same creds at once. */
export interface ConnectionOverlap {
  deviceJid: string;
  at: number;
}

export interface ConnectionsView {
  devices: DeviceConnections[];
  overlaps: ConnectionOverlap[];
}

/** Bounds the log of a sandbox that runs for days (cluster:sandbox); tests see far fewer. */
const MAX_RECORDS_PER_DEVICE = 500;
const MAX_OVERLAPS = 1000;

/**
 * Every logged-in connection per linked device, and the overlaps. A cluster of gateways must never run one
 * WhatsApp session on two nodes at once; on real WhatsApp the second login silently kicks the first (440), so
 * the only place a test can see that it happened is the server: this log. It lives in memory only (not in the
 * state file): a restarted sandbox starts a new log.
 */
export class ConnectionLog {
  private readonly devices = new Map<string, DeviceConnections>();
  /** The records of connections whose socket-close has not been handled yet. */
  private readonly open = new Map<ClientConnection, ConnectionRecord>();
  private readonly overlaps: ConnectionOverlap[] = [];

  /** A companion logged in on `conn`; `overlapping`: its previous connection was still open. */
  opened(
    conn: ClientConnection,
    phone: string,
    deviceId: number,
    overlapping: boolean,
  ): ConnectionOverlap | null {
    const deviceJid = pnJid(phone, deviceId);
    let device = this.devices.get(deviceJid);
    if (!device) this.devices.set(deviceJid, (device = { deviceJid, phone, connections: [] }));
    const record: ConnectionRecord = { openedAt: Date.now(), closedAt: null, reason: null };
    device.connections.push(record);
    if (device.connections.length > MAX_RECORDS_PER_DEVICE) device.connections.shift();
    this.open.set(conn, record);
    if (!overlapping) return null;
    const overlap = { deviceJid, at: record.openedAt };
    this.overlaps.push(overlap);
    if (this.overlaps.length > MAX_OVERLAPS) this.overlaps.shift();
    return overlap;
  }

  /** The socket of a logged-in connection closed (a no-op for connections that never logged in). */
  closed(conn: ClientConnection): void {
    const record = this.open.get(conn);
    if (!record) return;
    record.closedAt = conn.closedAt ?? Date.now();
    record.reason = conn.closeReason ?? 'closed by client';
    this.open.delete(conn);
  }

  /**
   * A connection the sandbox closed (replaced, idle) shows as closed at once, although its socket's close is
   * handled a moment later: the client may see the close before that.
   */
  view(): ConnectionsView {
    for (const [conn, record] of this.open) {
      if (conn.closeReason === undefined) continue;
      record.closedAt = conn.closedAt ?? Date.now();
      record.reason = conn.closeReason;
    }
    return {
      devices: [...this.devices.values()].map((d) => ({
        ...d,
        connections: d.connections.map((c) => ({ ...c })),
      })),
      overlaps: this.overlaps.map((o) => ({ ...o })),
    };
  }
}
