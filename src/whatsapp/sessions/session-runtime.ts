import type { EngineConnection } from '../engine/whatsapp-engine';
import type { AccountIdentity, SessionStatus, WaVersion } from '../engine/engine.types';

/** Why we are closing a connection ourselves; decides what happens when its close event arrives. */
export type CloseIntent = 'stop' | 'recycle' | null;

/** The live, in-memory state of one session. */
export class SessionRuntime {
  status: SessionStatus = 'disconnected';
  reason: string | null = null;
  /**
   * Why no connection can be made right now (WhatsApp unreachable, or this client's version refused), from the
   * last close; cleared by a QR or an open connection. The QR route answers 503 with it instead of waiting.
   */
  blocker: { kind: 'unreachable' | 'client_outdated'; error: string; reason: string } | null = null;
  /** The WhatsApp Web version of the current (or last) connection. */
  waVersion: WaVersion | null = null;
  qr: string | null = null;
  qrAt = 0;
  me: AccountIdentity | null = null;
  linked = false;
  /** Stopped on request (REST stop): stays closed, also across restarts, until started on request. */
  stopped = false;
  conn: EngineConnection | null = null;
  /** Increments per connection, so a late event from an old connection is ignored. */
  generation = 0;
  intent: CloseIntent = null;
  startedAt = 0;
  reconnectAttempts = 0;
  reconnectTimer: NodeJS.Timeout | null = null;
  /** Consecutive pairing connections that ended without a scan. */
  pairingAttempts = 0;
  createdAt = Date.now();
  updatedAt = Date.now();
  private closeWaiters: (() => void)[] = [];

  constructor(readonly id: string) {}

  waitForClose(timeoutMs: number): Promise<void> {
    if (!this.conn) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.closeWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  notifyClosed(): void {
    const waiters = this.closeWaiters;
    this.closeWaiters = [];
    waiters.forEach((w) => w());
  }

  clearReconnect(): void {
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
  }
}
