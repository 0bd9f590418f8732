import { io, Socket } from 'socket.io-client';
import { TEST_API_KEY } from '../../support/test-app';
import { waitUntil } from '../../support/wait';

/** An event as a client received it. */
export interface Received {
  name: string;
  payload: { id?: string; type?: string; session?: string | null; message?: string; [k: string]: unknown };
}

/** A Socket.IO client of a gateway that records every event it receives, in order. */
export interface RecordingClient {
  socket: Socket;
  events: Received[];
  /** How many times the event with this id (the DomainEvent's or the inbound webhook's) arrived. */
  count(id: string): number;
  /** Waits for an event matching `match`, or fails after the deadline. */
  waitFor(what: string, match: (e: Received) => boolean, timeoutMs?: number): Promise<Received>;
  close(): void;
}

/** Connects with the API key (and `sessions`, if given, as the handshake's subscription); resolves once connected. */
export async function recordingClient(url: string, sessions?: string[]): Promise<RecordingClient> {
  const socket = io(url, {
    auth: { token: TEST_API_KEY, ...(sessions ? { sessions } : {}) },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  const events: Received[] = [];
  socket.onAny((name: string, payload: Received['payload']) => events.push({ name, payload }));
  await waitUntil(() => socket.connected, { timeoutMs: 10_000, what: `a Socket.IO connection to ${url}` });
  return {
    socket,
    events,
    count: (id) => events.filter((e) => e.payload?.id === id).length,
    waitFor: (what, match, timeoutMs = 15_000) =>
      waitUntil(() => events.find(match), { timeoutMs, intervalMs: 20, what }),
    close: () => socket.disconnect(),
  };
}
