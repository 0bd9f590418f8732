import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { AppConfig } from '../../config/app-config';
import { EventBus } from '../../events/event-bus';
import { FieldCipher } from '../../secrets/field-cipher';
import { newEvent } from '../../events/domain-event';
import { SqlAuthStateStore } from '../auth-state/sql-auth-state.store';
import type { CloseInfo, SessionStatus } from '../engine/engine.types';
import { WhatsAppEngine } from '../engine/whatsapp-engine';
import { backoffDelay } from './backoff';
import {
  ENGINE_CHATS,
  ENGINE_GROUP,
  ENGINE_MESSAGES,
  ENGINE_CONTACTS,
  ENGINE_PRESENCE,
  ENGINE_RECEIPTS,
  EngineContactsEvent,
  EngineChatsEvent,
  EngineGroupEvent,
  EngineMessagesEvent,
  EnginePresenceEvent,
  EngineReceiptsEvent,
} from './engine-events';
import { DEFAULT_SESSION } from './default-session';
import { KeyedMutex } from './keyed-mutex';
import { SentPayloads } from './message-ports';
import { CONNECTION_CLOSED, PAIRING_CODE_ISSUED, RECONNECT_SCHEDULED } from './lifecycle-events';
import { SessionRuntime } from './session-runtime';
import { SessionStore } from './session.store';
import { formatWaVersion } from '../version/wa-web-version';
import { WaVersionService } from '../version/wa-version.service';
import { SqlDatabase } from '../../database/sql/sql';
import { SessionFence } from '../../cluster/session-fence';
import { SessionOwnership } from './session-ownership';
import type { SessionEntity } from './session.entity';

/**
 * Owns every session's connection lifecycle: start at boot, QR and pairing, reconnect with backoff, the
 * watchdog, logout, and status/QR events. Start/stop/logout/restart of one session are serialised.
 */
@Injectable()
export class SessionManager implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(SessionManager.name);
  private readonly runtimes = new Map<string, SessionRuntime>();
  private readonly mutex = new KeyedMutex();
  private watchdog: NodeJS.Timeout | null = null;
  private shuttingDown = false;
  private markLoaded!: () => void;
  /** Resolves once the sessions are loaded at boot (the cluster's keeper starts from there). */
  readonly loaded = new Promise<void>((resolve) => (this.markLoaded = resolve));

  constructor(
    private readonly engine: WhatsAppEngine,
    private readonly store: SessionStore,
    private readonly events: EventBus,
    private readonly emitter: EventEmitter2,
    private readonly config: AppConfig,
    private readonly sql: SqlDatabase,
    private readonly cipher: FieldCipher,
    private readonly versions: WaVersionService,
    private readonly sentPayloads: SentPayloads,
    private readonly ownership: SessionOwnership,
    private readonly fence: SessionFence,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.store.ensure(DEFAULT_SESSION);
    const rows = await this.store.all();
    for (const row of rows) {
      const rt = this.runtime(row.id);
      this.copyRow(rt, row);
      rt.status = row.status === 'logged_out' ? 'logged_out' : 'disconnected';
      rt.linked = await this.engine.isLinked(this.authStore(row.id));
    }
    this.markLoaded();
    // Linked sessions reconnect and `default` shows its QR at once, as the seed did. Connections open in
    // parallel so boot time does not grow with the number of sessions. In a cluster, the lease keeper starts
    // the sessions this node takes (see `resume`).
    if (!this.ownership.placed)
      for (const rt of this.runtimes.values()) {
        if (rt.stopped) continue;
        if (rt.linked || rt.id === DEFAULT_SESSION) void this.start(rt.id).catch(() => undefined);
      }
    const interval = this.config.WA_WATCHDOG_INTERVAL_MS;
    if (interval > 0) {
      this.watchdog = setInterval(() => this.checkConnections(), interval);
      this.watchdog.unref();
    }
  }

  /** Runs before the database and the sandbox close, so connections end cleanly (no logout). */
  async beforeApplicationShutdown(): Promise<void> {
    this.shuttingDown = true;
    if (this.watchdog) clearInterval(this.watchdog);
    await Promise.all([...this.runtimes.keys()].map((id) => this.stop(id).catch(() => undefined)));
  }

  authStore(id: string): SqlAuthStateStore {
    return new SqlAuthStateStore(this.sql, id, this.cipher, this.fence);
  }

  private copyRow(rt: SessionRuntime, row: SessionEntity): void {
    rt.createdAt = row.createdAt;
    rt.reason = row.reason;
    rt.me = row.phone
      ? { phone: row.phone, jid: `${row.phone}@s.whatsapp.net`, lid: row.lid, name: row.name }
      : null;
    rt.stopped = Boolean(row.stopped);
  }

  /**
   * In a cluster: a session whose lease this node just took opens here, as at boot (linked ones and `default`),
   * from what its previous owner left in the database.
   */
  resume(id: string): Promise<void> {
    return this.mutex.run(id, async () => {
      const row = await this.store.find(id);
      if (!row) return;
      const rt = this.runtime(id);
      this.copyRow(rt, row);
      rt.linked = await this.engine.isLinked(this.authStore(id));
      rt.qr = null;
      rt.blocker = null;
      rt.pairingAttempts = 0;
      rt.reconnectAttempts = 0;
      rt.status = row.status === 'logged_out' && !rt.linked ? 'logged_out' : 'disconnected';
      if (!rt.stopped && (rt.linked || id === DEFAULT_SESSION)) await this.doStart(id);
    });
  }

  /**
   * In a cluster: this node no longer owns the session (moved, taken over, or the lease is running out). Its
   * connection closes without unlinking, and nothing about it is recorded or announced: that is its new
   * owner's to do. Answers whether the connection is known to be closed: if its close was never reported, the
   * caller must let the lease run out rather than hand it on. With `cut` the socket is destroyed at once
   * (the lease is running out: no closing handshake is waited for).
   */
  relinquish(id: string, opts: { cut?: boolean } = {}): Promise<boolean> {
    return this.mutex.run(id, async () => {
      const rt = this.runtimes.get(id);
      if (!rt) return true;
      rt.clearReconnect();
      const closed = await this.closeConnection(rt, opts.cut);
      rt.qr = null;
      rt.status = 'disconnected';
      rt.reason = 'Owned by another node';
      return closed;
    });
  }

  /**
   * In a cluster: sessions are read again from the database; those run elsewhere show what their owner
   * recorded, sessions created elsewhere appear and deleted ones go.
   */
  async refreshFromStore(runsHere: (id: string) => boolean): Promise<void> {
    const rows = await this.store.all();
    const ids = new Set(rows.map((r) => r.id));
    for (const row of rows) {
      if (runsHere(row.id)) continue;
      const known = this.runtimes.get(row.id);
      if (known && (known.conn || this.mutex.busy(row.id))) continue;
      const rt = known ?? this.runtime(row.id);
      this.copyRow(rt, row);
      rt.status = row.status as SessionStatus;
      rt.linked = row.phone !== null;
      rt.updatedAt = row.updatedAt;
    }
    for (const id of [...this.runtimes.keys()])
      if (!ids.has(id) && !runsHere(id) && !this.mutex.busy(id)) this.runtimes.delete(id);
  }

  /** Whether the session can be handed to another node now: not while a QR waits for its scan. */
  movable(id: string): boolean {
    const rt = this.runtimes.get(id);
    return !rt || !(rt.status === 'qr_ready' || (rt.status === 'starting' && !rt.linked));
  }

  has(id: string): boolean {
    return this.runtimes.has(id);
  }

  get(id: string): SessionRuntime | undefined {
    return this.runtimes.get(id);
  }

  list(): SessionRuntime[] {
    return [...this.runtimes.values()].sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  }

  /** Whether the session exists: known here, or (in a cluster) just created by another node. */
  async exists(id: string): Promise<boolean> {
    return this.runtimes.has(id) || (await this.store.exists(id));
  }

  /** Creates the record (if new) and starts the session. */
  async create(id: string): Promise<SessionRuntime> {
    await this.store.ensure(id);
    const rt = this.runtime(id);
    await this.ownership.created(id);
    void this.start(id).catch(() => undefined);
    return rt;
  }

  /** Opens a connection unless one is open; for an unlinked session this begins a pairing attempt. */
  start(id: string): Promise<void> {
    return this.mutex.run(id, () => this.doStart(id));
  }

  /** Closes the connection without unlinking; no reconnect. */
  stop(id: string): Promise<void> {
    return this.mutex.run(id, () => this.doStop(id));
  }

  /**
   * Stopped on request: the connection closes without unlinking and the session stays closed (across restarts
   * too) until `startOnRequest` or a restart; its send queue waits meanwhile.
   */
  stopOnRequest(id: string): Promise<void> {
    return this.mutex.run(id, async () => {
      await this.setStopped(this.runtime(id), true);
      await this.doStop(id);
    });
  }

  /** Undoes `stopOnRequest` and opens the connection (an unlinked session begins a pairing attempt). */
  startOnRequest(id: string): Promise<void> {
    return this.mutex.run(id, () => this.reopen(id));
  }

  restart(id: string): Promise<void> {
    return this.mutex.run(id, async () => {
      await this.doStop(id);
      await this.reopen(id);
    });
  }

  /** Opens the session afresh: no longer stopped, retry counters reset. */
  private async reopen(id: string): Promise<void> {
    const rt = this.runtime(id);
    await this.setStopped(rt, false);
    rt.pairingAttempts = 0;
    rt.reconnectAttempts = 0;
    await this.doStart(id);
  }

  private async setStopped(rt: SessionRuntime, stopped: boolean): Promise<void> {
    if (rt.stopped === stopped) return;
    await this.store.saveStopped(rt.id, stopped);
    rt.stopped = stopped;
  }

  /** Unlinks the device (if linked) and wipes its auth state. Status `logged_out`. */
  logout(id: string): Promise<void> {
    return this.mutex.run(id, async () => {
      const rt = this.runtime(id);
      rt.clearReconnect();
      const conn = rt.conn;
      if (conn && rt.status === 'connected') {
        rt.intent = 'stop';
        await conn.logout().catch((err) => this.logger.warn(`[${id}] logout request failed: ${err.message}`));
        await rt.waitForClose(5000);
      } else {
        await this.doStop(id);
      }
      await this.wipe(rt, 'Logged out');
    });
  }

  /** Stops, unlinks and forgets a session. */
  remove(id: string): Promise<void> {
    return this.logout(id).then(() =>
      this.mutex.run(id, async () => {
        await this.store.remove(id);
        this.runtimes.delete(id);
      }),
    );
  }

  /** Waits for a QR (or connected), starting a pairing attempt if it is resting and not stopped on request. */
  async ensurePairing(id: string, timeoutMs: number): Promise<SessionRuntime> {
    const rt = this.runtime(id);
    if (rt.status === 'connected' || rt.linked || rt.stopped) return rt;
    if (!rt.conn && !rt.reconnectTimer) {
      rt.blocker = null;
      await this.start(id);
    }
    // A connection that cannot be made (WhatsApp unreachable, version refused) ends the wait at once.
    const ready = (r: SessionRuntime) => r.status === 'qr_ready' || r.status === 'connected' || !!r.blocker;
    await this.waitFor(id, ready, timeoutMs);
    return rt;
  }

  async requestPairingCode(id: string, phone: string): Promise<string> {
    const rt = await this.ensurePairing(id, this.config.WA_QR_WAIT_MS);
    if (!rt.conn || rt.status !== 'qr_ready') throw new Error('the session is not waiting for a link');
    const code = await rt.conn.requestPairingCode(phone);
    this.emitter.emit(PAIRING_CODE_ISSUED, { sessionId: id });
    return code;
  }

  /** Resolves when `predicate` holds for the session, or after `timeoutMs` (whatever the state). */
  waitFor(id: string, predicate: (rt: SessionRuntime) => boolean, timeoutMs: number): Promise<boolean> {
    const rt = this.runtime(id);
    if (predicate(rt)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const onEvent = () => {
        if (predicate(rt)) done(true);
      };
      const timer = setTimeout(() => done(false), timeoutMs);
      const done = (ok: boolean) => {
        clearTimeout(timer);
        this.emitter.off('session.status', onEvent);
        this.emitter.off('session.qr', onEvent);
        resolve(ok);
      };
      this.emitter.on('session.status', onEvent);
      this.emitter.on('session.qr', onEvent);
    });
  }

  private runtime(id: string): SessionRuntime {
    let rt = this.runtimes.get(id);
    if (!rt) {
      rt = new SessionRuntime(id);
      this.runtimes.set(id, rt);
    }
    return rt;
  }

  private async doStart(id: string): Promise<void> {
    const rt = this.runtime(id);
    rt.clearReconnect();
    // Stopped on request: only startOnRequest (or restart) opens it again, not a reconnect or a pairing.
    if (rt.conn || this.shuttingDown || rt.stopped || !this.ownership.mayRun(id)) return;
    const generation = ++rt.generation;
    rt.intent = null;
    rt.startedAt = Date.now();
    this.setStatus(rt, 'starting', null);
    const current = () => rt.generation === generation;
    try {
      rt.waVersion = await this.versions.current();
      rt.conn = await this.engine.connect({
        sessionId: id,
        version: rt.waVersion,
        store: this.authStore(id),
        handlers: {
          onQr: (qr) => current() && this.onQr(rt, qr),
          onOpen: (me) => current() && this.onOpen(rt, me),
          onClose: (info) => current() && this.onClose(rt, info),
          // Resolve once the listeners (the inbound and receipts services) have committed what they store.
          onMessages: async (messages, live) => {
            await this.emitter.emitAsync(ENGINE_MESSAGES, {
              sessionId: id,
              messages,
              live,
            } satisfies EngineMessagesEvent);
          },
          onReceipts: async (receipts) => {
            await this.emitter.emitAsync(ENGINE_RECEIPTS, {
              sessionId: id,
              receipts,
            } satisfies EngineReceiptsEvent);
          },
          loadSentPayload: (waId) => this.sentPayloads.find(id, waId),
          onPresence: (update) => {
            if (current())
              this.emitter.emit(ENGINE_PRESENCE, { sessionId: id, update } satisfies EnginePresenceEvent);
          },
          onContacts: (contacts) => {
            if (current())
              this.emitter.emit(ENGINE_CONTACTS, { sessionId: id, contacts } satisfies EngineContactsEvent);
          },
          onChats: (chats) => {
            if (current())
              this.emitter.emit(ENGINE_CHATS, { sessionId: id, chats } satisfies EngineChatsEvent);
          },
          onGroupEvent: (event) => {
            if (current())
              this.emitter.emit(ENGINE_GROUP, { sessionId: id, event } satisfies EngineGroupEvent);
          },
        },
      });
    } catch (err) {
      this.logger.error(`[${id}] could not open a connection: ${(err as Error).message}`);
      this.onClose(rt, { kind: 'transient', code: null, message: (err as Error).message });
    }
  }

  private async doStop(id: string): Promise<void> {
    const rt = this.runtime(id);
    rt.clearReconnect();
    const conn = rt.conn;
    if (!conn) {
      if (rt.status === 'starting' || rt.status === 'qr_ready' || rt.status === 'connected') {
        this.logger.log(`[${id}] stopped`);
        this.setStatus(rt, 'disconnected', 'Stopped');
      }
      return;
    }
    if (!(await this.closeConnection(rt))) {
      this.logger.log(`[${id}] stopped (the connection did not confirm its close)`);
      this.setStatus(rt, 'disconnected', 'Stopped');
    }
  }

  /**
   * Closes the open connection on request (no reconnect) and waits for its close; answers false when the engine
   * never reported it (the connection is forgotten anyway, so the session can start again).
   */
  private async closeConnection(rt: SessionRuntime, cut = false): Promise<boolean> {
    const conn = rt.conn;
    if (!conn) return true;
    rt.intent = 'stop';
    conn.end({ cut });
    await rt.waitForClose(5000);
    if (rt.conn !== conn) return true;
    rt.conn = null;
    rt.generation++;
    return false;
  }

  private onQr(rt: SessionRuntime, qr: string): void {
    rt.qr = qr;
    rt.qrAt = Date.now();
    rt.blocker = null;
    if (rt.status === 'qr_ready') this.logger.debug(`[${rt.id}] QR refreshed`);
    else this.logger.log(`[${rt.id}] QR ready: waiting for a scan`);
    this.setStatus(rt, 'qr_ready', null);
    void this.events.publish(newEvent('session.qr', rt.id, { session: rt.id, qr })).catch(() => undefined);
  }

  private onOpen(
    rt: SessionRuntime,
    me: { phone: string; jid: string; lid: string | null; name: string | null },
  ): void {
    if (!rt.linked) this.logger.log(`[${rt.id}] linked to ${me.phone}`);
    this.logger.log(`[${rt.id}] connected as ${me.phone}`);
    rt.me = me;
    rt.linked = true;
    rt.qr = null;
    rt.blocker = null;
    rt.reconnectAttempts = 0;
    rt.pairingAttempts = 0;
    this.setStatus(rt, 'connected', null);
    void this.store.saveIdentity(rt.id, me).catch(() => undefined);
  }

  private onClose(rt: SessionRuntime, info: CloseInfo): void {
    rt.conn = null;
    rt.qr = null;
    rt.generation++;
    const intent = rt.intent;
    rt.intent = null;
    rt.notifyClosed();
    const code = info.code ?? '-';
    const kind = this.shuttingDown || intent === 'stop' ? 'stopped' : info.kind;
    this.emitter.emit(CONNECTION_CLOSED, { sessionId: rt.id, kind });
    if (this.shuttingDown || intent === 'stop') {
      this.logger.log(`[${rt.id}] stopped (connection closed on request)`);
      if (rt.status !== 'logged_out') this.setStatus(rt, 'disconnected', 'Stopped');
      return;
    }
    if (info.kind === 'restart_required') {
      this.logger.log(`[${rt.id}] restart required after linking (${code}): reconnecting now, as usual`);
    } else {
      this.logger.warn(
        `[${rt.id}] disconnected: ${info.message} (${info.kind.replace(/_/g, ' ')}, code ${code})`,
      );
    }
    switch (info.kind) {
      case 'restart_required':
        // Normal right after a scan: the same credentials log in at once.
        this.emitter.emit(RECONNECT_SCHEDULED, { sessionId: rt.id, reason: info.kind });
        void this.start(rt.id).catch(() => undefined);
        return;
      case 'logged_out':
        void this.mutex.run(rt.id, () => this.wipe(rt, 'Logged out from the phone'));
        return;
      case 'connection_replaced':
        this.setStatus(rt, 'disconnected', 'Connection replaced: another client is using this account');
        return;
      case 'banned':
        this.setStatus(rt, 'disconnected', `WhatsApp refused the account (code ${info.code})`);
        return;
      case 'unreachable': {
        const reason = `Cannot reach WhatsApp (${info.message})`;
        rt.blocker = { kind: 'unreachable', error: 'Cannot reach WhatsApp', reason };
        if (!rt.linked && ++rt.pairingAttempts >= this.config.WA_MAX_PAIRING_ATTEMPTS) {
          this.logger.warn(`[${rt.id}] ${reason}; resting until a QR is requested`);
          this.setStatus(rt, 'disconnected', `${reason}; request a new QR to try again`);
          return;
        }
        this.scheduleReconnect(rt, info, false, reason);
        return;
      }
      case 'client_outdated': {
        // Retried with backoff (never a storm): WA_VERSION=auto may find a newer version meanwhile.
        const version = rt.waVersion ? formatWaVersion(rt.waVersion) : 'unknown';
        const reason = `WhatsApp refused this client version (${version}); set WA_VERSION or update`;
        rt.blocker = { kind: 'client_outdated', error: 'WhatsApp refused this client version', reason };
        if (rt.waVersion) this.versions.refused(rt.waVersion);
        this.scheduleReconnect(rt, info, false, reason);
        return;
      }
      case 'qr_expired':
        rt.pairingAttempts++;
        this.setStatus(rt, 'disconnected', 'QR code expired without a scan; request a new QR to try again');
        return;
      default:
        if (!rt.linked && ++rt.pairingAttempts >= this.config.WA_MAX_PAIRING_ATTEMPTS) {
          this.setStatus(rt, 'disconnected', 'Pairing did not complete; request a new QR to try again');
          return;
        }
        this.scheduleReconnect(rt, info, intent === 'recycle');
    }
  }

  /** Reconnects after the backoff delay; `cause` (a reason the user must see) is also logged as a warning. */
  private scheduleReconnect(rt: SessionRuntime, info: CloseInfo, immediate: boolean, cause?: string): void {
    const delay =
      immediate && rt.reconnectAttempts === 0
        ? 0
        : backoffDelay(
            rt.reconnectAttempts,
            this.config.WA_RECONNECT_BASE_MS,
            this.config.WA_RECONNECT_MAX_MS,
          );
    rt.reconnectAttempts++;
    this.emitter.emit(RECONNECT_SCHEDULED, { sessionId: rt.id, reason: info.kind });
    const seconds = Math.round(delay / 100) / 10;
    if (cause) this.logger.warn(`[${rt.id}] ${cause}; reconnect scheduled in ${seconds} s`);
    else this.logger.log(`[${rt.id}] reconnect scheduled in ${seconds} s`);
    this.setStatus(
      rt,
      'disconnected',
      cause ? `${cause}; reconnecting in ${seconds} s` : `Reconnecting in ${seconds} s (${info.message})`,
    );
    rt.clearReconnect();
    rt.reconnectTimer = setTimeout(() => {
      rt.reconnectTimer = null;
      void this.start(rt.id).catch(() => undefined);
    }, delay);
    rt.reconnectTimer.unref();
  }

  private async wipe(rt: SessionRuntime, reason: string): Promise<void> {
    await this.authStore(rt.id).clear();
    rt.linked = false;
    rt.me = null;
    rt.qr = null;
    rt.pairingAttempts = 0;
    rt.reconnectAttempts = 0;
    this.logger.log(`[${rt.id}] logged out: ${reason}`);
    this.setStatus(rt, 'logged_out', reason);
    await this.store.saveIdentity(rt.id, null).catch(() => undefined);
  }

  /** The watchdog: a connection stuck opening, or open but silent for too long, is recycled. */
  private checkConnections(): void {
    const now = Date.now();
    for (const rt of this.runtimes.values()) {
      const conn = rt.conn;
      if (!conn || rt.intent) continue;
      const stuckOpening =
        rt.status === 'starting' && now - rt.startedAt > this.config.WA_CONNECT_TIMEOUT_MS * 2;
      const silent =
        rt.status === 'connected' && conn.idleMs() > this.config.WA_KEEPALIVE_INTERVAL_MS * 2 + 10_000;
      if (stuckOpening || silent) {
        this.logger.warn(`[${rt.id}] watchdog: ${stuckOpening ? 'stuck opening' : 'no traffic'}; recycling`);
        rt.intent = 'recycle';
        conn.end();
        // end() reports kind `stopped`; the recycle intent turns that into a reconnect.
        setTimeout(() => {
          if (rt.conn === conn) this.onClose(rt, { kind: 'transient', code: null, message: 'watchdog' });
        }, 5000).unref();
      }
    }
  }

  private setStatus(rt: SessionRuntime, status: SessionStatus, reason: string | null): void {
    const previous = rt.status;
    rt.updatedAt = Date.now();
    if (previous === status && rt.reason === reason) return;
    rt.status = status;
    rt.reason = reason;
    // In a cluster, a session this node no longer owns is its new owner's to record and announce.
    if (!this.ownership.mayRun(rt.id)) return;
    if (previous !== status) void this.store.saveStatus(rt.id, status, reason).catch(() => undefined);
    const data = { session: rt.id, status, previousStatus: previous, reason, phone: rt.me?.phone ?? null };
    void this.events.publish(newEvent('session.status', rt.id, data)).catch(() => undefined);
  }
}
