import type { CloseKind } from '../engine/engine.types';

/**
 * In-process events of the connection lifecycle, for observers such as the metrics (not part of the public
 * event catalogue). `kind` is the engine's domain close kind, a short fixed list.
 */
export const CONNECTION_CLOSED = 'lifecycle.connection_closed';
export const RECONNECT_SCHEDULED = 'lifecycle.reconnect_scheduled';
export const PAIRING_CODE_ISSUED = 'lifecycle.pairing_code_issued';

export interface ConnectionClosedEvent {
  sessionId: string;
  /** `stopped` when the gateway closed it itself (stop, restart, shutdown). */
  kind: CloseKind;
}
export interface ReconnectScheduledEvent {
  sessionId: string;
  /** The close kind that caused the reconnect. */
  reason: CloseKind;
}
export interface PairingCodeIssuedEvent {
  sessionId: string;
}
