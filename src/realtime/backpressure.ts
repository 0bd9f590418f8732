/**
 * How far behind a client is. Engine.IO queues packets in `writeBuffer` while the transport is busy (a
 * WebSocket's previous frame not yet handed to the kernel, or a long-polling client that has not polled), and
 * `ws` counts the bytes it could not write yet in `bufferedAmount`. A client past either limit is "lagging":
 * events for it are dropped (for it alone) instead of queued, so one slow client cannot grow the server's
 * memory or delay the others.
 */
export interface BackpressureLimits {
  maxQueuedPackets: number;
  maxBufferedBytes: number;
}

export const DEFAULT_LIMITS: BackpressureLimits = {
  maxQueuedPackets: 1000,
  maxBufferedBytes: 4 * 1024 * 1024,
};

/** The few Engine.IO internals read here (`socket.conn` of a Socket.IO socket). */
export interface EngineConnLike {
  writeBuffer?: { data?: unknown }[];
  transport?: { socket?: { bufferedAmount?: number } };
}

/** Packets waiting in Engine.IO, and bytes waiting in Engine.IO (string payloads) plus the WebSocket. */
export function backlog(conn: EngineConnLike): { packets: number; bytes: number } {
  const queue = conn.writeBuffer ?? [];
  let bytes = conn.transport?.socket?.bufferedAmount ?? 0;
  for (const packet of queue) {
    if (typeof packet.data === 'string') bytes += packet.data.length;
    else if (packet.data instanceof Uint8Array) bytes += packet.data.byteLength;
  }
  return { packets: queue.length, bytes };
}

export function isLagging(conn: EngineConnLike, limits: BackpressureLimits = DEFAULT_LIMITS): boolean {
  const { packets, bytes } = backlog(conn);
  return packets >= limits.maxQueuedPackets || bytes >= limits.maxBufferedBytes;
}
