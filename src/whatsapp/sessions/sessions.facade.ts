import { Injectable } from '@nestjs/common';
import type { AccountIdentity, SessionStatus } from '../engine/engine.types';
import type { EngineConnection } from '../engine/whatsapp-engine';
import { SessionManager } from './session-manager';
import type { SessionRuntime } from './session-runtime';
import { NotConnected, SessionNotFound } from './session.errors';

/**
 * What other modules may do with a session's live connection: send, look numbers up, mark chats read, show
 * and follow presence, read profile pictures and the block list, block and unblock, and manage groups.
 */
export type SessionConnection = Pick<
  EngineConnection,
  | 'send'
  | 'lookup'
  | 'markRead'
  | 'sendChatState'
  | 'sendPresence'
  | 'subscribePresence'
  | 'profilePicture'
  | 'setBlocked'
  | 'blocklist'
  | 'group'
>;

/** A session's state as other modules see it: a copy, taken when asked. */
export interface SessionState {
  readonly id: string;
  readonly status: SessionStatus;
  /** Why the session is not connected. */
  readonly reason: string | null;
  /** The QR to scan while the status is `qr_ready`. */
  readonly qr: string | null;
  readonly me: AccountIdentity | null;
  readonly linked: boolean;
  /** Stopped on request: stays closed until started on request. */
  readonly stopped: boolean;
}

const stateOf = (rt: SessionRuntime): SessionState => ({
  id: rt.id,
  status: rt.status,
  reason: rt.reason,
  qr: rt.qr,
  me: rt.me,
  linked: rt.linked,
  stopped: rt.stopped,
});

/**
 * How modules outside `whatsapp/` reach sessions: their state, and their live connection, never the session's
 * mutable runtime. Unknown sessions throw `SessionNotFound`, a session without an open connection
 * `NotConnected`; a call on a connection that goes away rejects with `ConnectionLost`.
 */
@Injectable()
export class SessionsFacade {
  constructor(private readonly manager: SessionManager) {}

  has(id: string): boolean {
    return this.manager.has(id);
  }

  /** Every session's state. */
  list(): SessionState[] {
    return this.manager.list().map(stateOf);
  }

  state(id: string): SessionState {
    return stateOf(this.runtime(id));
  }

  status(id: string): SessionStatus {
    return this.runtime(id).status;
  }

  /** False for an unknown session. */
  isConnected(id: string): boolean {
    return this.manager.get(id)?.status === 'connected';
  }

  /** The session's live connection; throws when the session is not connected. */
  connection(id: string): SessionConnection {
    const conn = this.openConnection(id);
    if (!conn) throw new NotConnected(this.runtime(id).status);
    return conn;
  }

  /** The live connection while the session is connected; null otherwise (or for an unknown session). */
  openConnection(id: string): SessionConnection | null {
    const rt = this.manager.get(id);
    return rt?.status === 'connected' && rt.conn ? rt.conn : null;
  }

  /** Waits for a QR (or connected), starting a pairing attempt if the session rests; answers its state then. */
  async ensurePairing(id: string, timeoutMs: number): Promise<SessionState> {
    this.runtime(id);
    return stateOf(await this.manager.ensurePairing(id, timeoutMs));
  }

  /** Resolves when `predicate` holds for the session's state, or after `timeoutMs` (false). */
  waitFor(id: string, predicate: (state: SessionState) => boolean, timeoutMs: number): Promise<boolean> {
    this.runtime(id);
    return this.manager.waitFor(id, (rt) => predicate(stateOf(rt)), timeoutMs);
  }

  private runtime(id: string): SessionRuntime {
    const rt = this.manager.get(id);
    if (!rt) throw new SessionNotFound(id);
    return rt;
  }
}
