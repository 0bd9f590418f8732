import { Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import {
  ConnectedSocket,
  MessageBody,
  OnGatewayConnection,
  OnGatewayDisconnect,
  OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
} from '@nestjs/websockets';
import { normalizeIp } from '@nestjs/throttler';
import { PostgresAdapter } from '@socket.io/postgres-adapter';
import type { Server, Socket } from 'socket.io';
import { ApiKeyService } from '../common/auth/api-key.service';
import { clientAddress, parseTrustProxy, trustFunction } from '../common/http/trust-proxy';
import { AppConfig } from '../config/app-config';
import { HandshakeLimiter } from './handshake-limiter';
import { BackpressureLimits, DEFAULT_LIMITS, EngineConnLike, isLagging } from './backpressure';
import { DROPPED_EVENT, RELAYED_EVENT } from './realtime-events';
import { ALL_ROOM, parseSessions, roomsFor, sessionRoom } from './session-rooms';
import { refusal } from './socket-auth';

/** Refused handshakes allowed per address within the throttle window (THROTTLE_TTL_MS). */
const MAX_FAILED_HANDSHAKES = 20;
/** IPv6 clients are counted per /64, as the HTTP throttler does. */
const IPV6_SUBNET_PREFIX = 64;

/** A handshake refusal: `connect_error` on the client with this message and `err.data = {error, details}`. */
function refuse(error: string, details: string): Error {
  const err = new Error(error) as Error & { data?: unknown };
  err.data = { error, details };
  return err;
}

/** The envelope of every forwarded event (a DomainEvent, or any payload that names its session). */
interface Envelope {
  type?: string;
  session?: string | null;
}

interface Lag {
  dropped: number;
  since: string;
  timer: NodeJS.Timeout;
}

export type SubscribeAck =
  { sessions: string[] | 'all' } | { error: string; details: string | Record<string, unknown> };

/**
 * Live events over Socket.IO on the app's own port (path `/socket.io`).
 * - Handshake: the API key as `auth.token` (or the REST headers); anything else is refused with
 *   `connect_error` "Unauthorized". After 20 refusals from one client address (X-Forwarded-For as TRUST_PROXY
 *   allows) within THROTTLE_TTL_MS, its failing handshakes are refused as "Too Many Requests" until the window
 *   ends; the right key always connects.
 * - Rooms: `auth.sessions` in the handshake, or the `subscribe` / `unsubscribe` messages, choose sessions;
 *   a client that chose none receives every session.
 * - Slow clients: an event for a client whose send buffer is full is dropped for that client only; once it
 *   has caught up it gets one `events.dropped` {dropped, since} and should re-read state over REST.
 * - Cluster (PostgreSQL): each event is delivered to this node's clients and handed once to the other nodes
 *   (Socket.IO's server-side emit over the PostgreSQL adapter), whose gateways deliver it to their own clients
 *   with their own rooms and slow-client rule. So a client receives every node's events, each once.
 */
@WebSocketGateway()
export class EventsGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect {
  private readonly logger = new Logger(EventsGateway.name);
  private readonly lagging = new Map<string, Lag>();
  /** Tests lower these to provoke dropping. */
  limits: BackpressureLimits = { ...DEFAULT_LIMITS };
  /** How often a lagging client is checked for having caught up. */
  recoveryCheckMs = 500;

  @WebSocketServer() server: Server;

  /** Whether the other nodes of a cluster are to be handed each event (Socket.IO runs on the PostgreSQL adapter). */
  private relaying = false;
  private readonly limiter: HandshakeLimiter;
  private readonly trust: (addr: string, i: number) => boolean;

  constructor(
    private readonly keys: ApiKeyService,
    config: AppConfig,
  ) {
    this.limiter = new HandshakeLimiter(MAX_FAILED_HANDSHAKES, config.THROTTLE_TTL_MS);
    this.trust = trustFunction(parseTrustProxy(config.TRUST_PROXY));
  }

  afterInit(server: Server): void {
    server.use((socket, next) => {
      const refused = refusal(socket.handshake, this.keys);
      if (!refused) return next();
      const address = normalizeIp(clientAddress(socket.request, this.trust), IPV6_SUBNET_PREFIX);
      const waitMs = this.limiter.retryAfterMs(address);
      if (waitMs > 0) {
        const seconds = Math.ceil(waitMs / 1000);
        return next(
          refuse(
            'Too Many Requests',
            `Too many refused API keys from this address; try again in ${seconds} s`,
          ),
        );
      }
      const count = this.limiter.recordFailure(address);
      // One line when an address starts failing and one when it is held back, not one per attempt.
      if (count === 1) this.logger.warn(`Refused a Socket.IO client from ${address}: ${refused.details}`);
      if (count === MAX_FAILED_HANDSHAKES) {
        this.logger.warn(`${count} refused Socket.IO handshakes from ${address}; holding its next ones back`);
      }
      next(refuse(refused.error, refused.details));
    });
    this.relaying = server.sockets.adapter instanceof PostgresAdapter;
    if (this.relaying) server.on(RELAYED_EVENT, (name: unknown, json: unknown) => this.onRelayed(name, json));
  }

  handleConnection(socket: Socket): void {
    const parsed = parseSessions(socket.handshake.auth?.sessions);
    if (!parsed.ok) {
      socket.emit('exception', { error: 'Invalid sessions', details: parsed.details });
      socket.disconnect(true);
      return;
    }
    this.join(socket, parsed.sessions);
    this.logger.debug(`Socket.IO client ${socket.id} connected (${this.server.engine.clientsCount} now)`);
  }

  handleDisconnect(socket: Socket): void {
    const lag = this.lagging.get(socket.id);
    if (lag) clearInterval(lag.timer);
    this.lagging.delete(socket.id);
  }

  /** `subscribe` {sessions: ["default", ...]}: receive only these sessions from now on ([] = all). */
  @SubscribeMessage('subscribe')
  subscribe(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown): SubscribeAck {
    const sessions = body && typeof body === 'object' ? (body as { sessions?: unknown }).sessions : body;
    const parsed = parseSessions(sessions);
    if (!parsed.ok) return { error: 'Invalid sessions', details: parsed.details };
    return this.join(socket, parsed.sessions);
  }

  /** `unsubscribe` {sessions: [...]}: stop receiving these sessions; with none left, receive all again. */
  @SubscribeMessage('unsubscribe')
  unsubscribe(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown): SubscribeAck {
    const sessions = body && typeof body === 'object' ? (body as { sessions?: unknown }).sessions : body;
    const parsed = parseSessions(sessions);
    if (!parsed.ok) return { error: 'Invalid sessions', details: parsed.details };
    const remaining = this.subscribed(socket).filter((s) => !parsed.sessions.includes(s));
    return this.join(socket, remaining);
  }

  @OnEvent('session.status')
  @OnEvent('session.qr')
  @OnEvent('message.received')
  @OnEvent('message.sent')
  @OnEvent('message.status')
  @OnEvent('message.media')
  @OnEvent('message.edited')
  @OnEvent('message.revoked')
  @OnEvent('message.reaction')
  @OnEvent('poll.vote')
  @OnEvent('presence.update')
  @OnEvent('contact.mapped')
  @OnEvent('group.join')
  @OnEvent('group.leave')
  @OnEvent('group.participants')
  @OnEvent('group.update')
  @OnEvent('webhook.endpoint_disabled')
  onDomainEvent(event: Envelope): void {
    if (event?.type) this.broadcast(event.type, event);
  }

  @OnEvent('webhook.inbound')
  onInboundWebhook(event: Envelope): void {
    this.broadcast('webhook.inbound', event);
  }

  /** Sends `event` to every client interested in its session, on this node and the others of a cluster. */
  broadcast(name: string, event: Envelope): void {
    if (!this.server) return;
    this.deliver(name, event);
    // As JSON text, so that the other nodes' clients get exactly what this node's get (Socket.IO's parser also
    // serialises with JSON.stringify; the adapter would carry `undefined` as null, a Date as a Date).
    if (this.relaying) this.server.serverSideEmit(RELAYED_EVENT, name, JSON.stringify(event));
  }

  /** An event another node handed over: for this node's clients only (it is not handed on again). */
  private onRelayed(name: unknown, json: unknown): void {
    if (typeof name !== 'string' || typeof json !== 'string') return;
    try {
      this.deliver(name, JSON.parse(json) as Envelope);
    } catch (err) {
      this.logger.warn(`Dropped an event relayed by another node: ${(err as Error).message}`);
    }
  }

  /** Sends `event` to this node's clients interested in its session, skipping (and counting) the lagging ones. */
  private deliver(name: string, event: Envelope): void {
    const rooms = roomsFor(event.session);
    const recipients = this.recipients(rooms);
    const skip: string[] = [];
    for (const id of recipients) {
      const socket = this.server.sockets.sockets.get(id);
      if (
        socket &&
        (this.lagging.has(id) || isLagging(socket.conn as unknown as EngineConnLike, this.limits))
      ) {
        skip.push(id);
        this.markDropped(socket);
      }
    }
    if (skip.length === recipients.size) return;
    // `local`: through the PostgreSQL adapter, a room broadcast would also reach the other nodes' clients, which
    // their own gateways serve (the event is relayed to them as a whole, see `broadcast`).
    const local = this.server.local;
    const target = rooms.length ? local.to(rooms) : local;
    (skip.length ? target.except(skip) : target).emit(name, event);
  }

  private recipients(rooms: string[]): Set<string> {
    if (!rooms.length) return new Set(this.server.sockets.sockets.keys());
    const ids = new Set<string>();
    for (const room of rooms) {
      for (const id of this.server.sockets.adapter.rooms.get(room) ?? []) ids.add(id);
    }
    return ids;
  }

  private markDropped(socket: Socket): void {
    const lag = this.lagging.get(socket.id);
    if (lag) {
      lag.dropped++;
      return;
    }
    this.logger.warn(
      `Socket.IO client ${socket.id} is not keeping up; dropping its events until it catches up`,
    );
    const timer = setInterval(() => this.checkRecovered(socket), this.recoveryCheckMs);
    timer.unref();
    this.lagging.set(socket.id, { dropped: 1, since: new Date().toISOString(), timer });
  }

  private checkRecovered(socket: Socket): void {
    const lag = this.lagging.get(socket.id);
    if (!lag) return;
    if (socket.disconnected) return this.handleDisconnect(socket);
    if (isLagging(socket.conn as unknown as EngineConnLike, this.limits)) return;
    clearInterval(lag.timer);
    this.lagging.delete(socket.id);
    this.logger.log(`Socket.IO client ${socket.id} caught up after ${lag.dropped} dropped event(s)`);
    socket.emit(DROPPED_EVENT, { dropped: lag.dropped, since: lag.since });
  }

  private subscribed(socket: Socket): string[] {
    const prefix = sessionRoom('');
    return [...socket.rooms].filter((r) => r.startsWith(prefix)).map((r) => r.slice(prefix.length));
  }

  private join(socket: Socket, sessions: string[]): SubscribeAck {
    for (const room of socket.rooms) {
      if (room !== socket.id) socket.leave(room);
    }
    if (!sessions.length) {
      socket.join(ALL_ROOM);
      return { sessions: 'all' };
    }
    socket.join(sessions.map(sessionRoom));
    return { sessions };
  }
}
