import { EventEmitter2 } from '@nestjs/event-emitter';
import { io, Socket } from 'socket.io-client';
import { newEvent } from '../../src/events/domain-event';
import { EventBus } from '../../src/events/event-bus';
import { EventsGateway } from '../../src/realtime/events.gateway';
import { FORWARDED_EVENTS } from '../../src/realtime/realtime-events';
import { startTestApp, TestApp, TEST_API_KEY } from '../support/test-app';
import { waitUntil } from '../support/wait';

const DEADLINE_MS = 5000;

/** Resolves with the first `event` the socket gets, or fails after the deadline. */
function next<T = any>(socket: Socket, event: string, ms = DEADLINE_MS): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "${event}" within ${ms} ms`)), ms);
    socket.once(event, (payload: T) => {
      clearTimeout(timer);
      resolve(payload);
    });
  });
}

function connectError(socket: Socket): Promise<Error & { data?: any }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('neither refused nor accepted')), DEADLINE_MS);
    socket.once('connect_error', (err) => {
      clearTimeout(timer);
      resolve(err);
    });
    socket.once('connect', () => {
      clearTimeout(timer);
      reject(new Error('the server accepted the connection'));
    });
  });
}

describe('Socket.IO gateway', () => {
  let t: TestApp;
  let bus: EventBus;
  const sockets: Socket[] = [];

  function client(
    auth: Record<string, unknown> = { token: TEST_API_KEY },
    transports = ['websocket'],
  ): Socket {
    const socket = io(t.url, { auth, transports, reconnection: false, forceNew: true });
    sockets.push(socket);
    return socket;
  }

  async function connected(auth?: Record<string, unknown>): Promise<Socket> {
    const socket = client(auth);
    await next(socket, 'connect');
    return socket;
  }

  beforeAll(async () => {
    t = await startTestApp({ THROTTLE_LIMIT: '1000' });
    bus = t.app.get(EventBus);
  });
  afterEach(() => {
    for (const s of sockets.splice(0)) s.disconnect();
  });
  afterAll(() => t.close());

  it('refuses a client without the key and one with a wrong key, with the REST error shape', async () => {
    const none = await connectError(client({}));
    expect(none.message).toBe('Unauthorized');
    expect(none.data).toEqual({ error: 'Unauthorized', details: expect.stringContaining('auth: { token') });

    const wrong = await connectError(client({ token: 'not-the-key-not-the-key' }));
    expect(wrong.data).toEqual({ error: 'Unauthorized', details: 'Invalid API key' });

    // Long-polling is checked the same way.
    const polling = await connectError(client({}, ['polling']));
    expect(polling.message).toBe('Unauthorized');
  });

  it('accepts the key as auth.token or as the X-API-Key header, and delivers the DomainEvent envelope', async () => {
    const byToken = await connected();
    const byHeader = io(t.url, {
      transports: ['websocket'],
      extraHeaders: { 'X-API-Key': TEST_API_KEY },
      reconnection: false,
      forceNew: true,
    });
    sockets.push(byHeader);
    await next(byHeader, 'connect');

    const event = newEvent('message.received', 'default', { id: 'msg_1', text: 'halo' });
    const gotA = next(byToken, 'message.received');
    const gotB = next(byHeader, 'message.received');
    bus.emit(event);
    expect(await gotA).toEqual(event);
    expect(await gotB).toEqual(event);
  });

  it('forwards every event type under its own name, the envelope unchanged', async () => {
    const s = await connected();
    const emitter = t.app.get(EventEmitter2);
    for (const type of FORWARDED_EVENTS) {
      const session = type.startsWith('webhook.') ? null : 'default';
      const event = {
        id: `evt_${type}`,
        type,
        session,
        timestamp: new Date().toISOString(),
        data: { session },
      };
      const got = next(s, type);
      emitter.emit(type, event);
      expect(await got).toEqual(event);
    }
    // Through the event bus too, as the producers publish them.
    const event = newEvent('message.sent', 'default', { id: 'msg_2' });
    const got = next(s, 'message.sent');
    bus.emit(event);
    expect(await got).toEqual(event);
  });

  it('puts a client in the rooms of the sessions it chose; with none chosen it gets every session', async () => {
    const all = await connected();
    const onlyA = await connected({ token: TEST_API_KEY, sessions: ['a'] });
    const later = await connected();
    expect(await later.emitWithAck('subscribe', { sessions: ['b'] })).toEqual({ sessions: ['b'] });

    const seenByA: string[] = [];
    const seenByLater: string[] = [];
    const seenByAll: string[] = [];
    onlyA.on('message.received', (e) => seenByA.push(e.session));
    later.on('message.received', (e) => seenByLater.push(e.session));
    all.on('message.received', (e) => seenByAll.push(e.session));

    const lastForA = next(onlyA, 'session.status');
    const lastForLater = next(later, 'session.status');
    const lastForAll = next(all, 'session.status');
    bus.emit(newEvent('message.received', 'b', {}));
    bus.emit(newEvent('message.received', 'a', {}));
    // Events reach a client in order, so once these arrive, anything it was going to get has arrived.
    bus.emit(newEvent('session.status', 'a', {}));
    bus.emit(newEvent('session.status', 'b', {}));
    await Promise.all([lastForA, lastForLater, lastForAll]);
    expect(seenByA).toEqual(['a']);
    expect(seenByLater).toEqual(['b']);
    expect(seenByAll).toEqual(['b', 'a']);

    expect(await later.emitWithAck('unsubscribe', { sessions: ['b'] })).toEqual({ sessions: 'all' });
    expect(await later.emitWithAck('subscribe', { sessions: ['../x'] })).toEqual({
      error: 'Invalid sessions',
      details: expect.stringContaining('1-64 characters'),
    });
  });

  it('serves the matching browser client itself (no CDN)', async () => {
    const res = await t.http().get('/socket.io/socket.io.esm.min.js').expect(200);
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.text.length).toBeGreaterThan(10_000);
  });

  it('drops events for a client that stops reading, without slowing the others, and tells it afterwards', async () => {
    const gateway = t.app.get(EventsGateway);
    const saved = { limits: gateway.limits, recoveryCheckMs: gateway.recoveryCheckMs };
    gateway.limits = { maxQueuedPackets: 100, maxBufferedBytes: 512 * 1024 };
    gateway.recoveryCheckMs = 50;
    try {
      // Both subscribed to a session of their own: the app's other events (the default session's status
      // changes while it retries) would otherwise be dropped for the slow client too and counted with these.
      const only = { token: TEST_API_KEY, sessions: ['backpressure'] };
      const healthy = await connected(only);
      const slow = await connected(only);
      // Stop reading the slow client's TCP socket: the kernel buffers fill, then the server's.
      const tcp = (slow.io.engine as any).transport.ws._socket;
      tcp.pause();

      // ~12 MB in all, more than the kernel buffers, emitted a few events per event-loop turn.
      const total = 750;
      const text = 'x'.repeat(16 * 1024);
      let healthyCount = 0;
      let fail: (err: Error) => void = () => undefined;
      const allArrived = new Promise<void>((resolve, reject) => {
        fail = reject;
        healthy.on('message.received', () => {
          if (++healthyCount === total) resolve();
        });
      });
      const slowSeen: number[] = [];
      slow.on('message.received', (e: { data: { i: number } }) => slowSeen.push(e.data.i));
      const started = Date.now();
      for (let i = 0; i < total; i++) {
        bus.emit(newEvent('message.received', 'backpressure', { i, text }));
        if (i % 5 === 4) await new Promise((resolve) => setImmediate(resolve));
      }
      const deadline = setTimeout(
        () => fail(new Error(`the healthy client got only ${healthyCount} of ${total}`)),
        10_000,
      );
      await allArrived.finally(() => clearTimeout(deadline));
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(healthyCount).toBe(total);

      // The slow client may fall behind, catch up and fall behind again while paused (the kernel's buffers can
      // take more as they grow): one `events.dropped` notice per episode, each with its own count.
      const notices: number[] = [];
      slow.on('events.dropped', (n: { dropped: number; since: string }) => notices.push(n.dropped));
      tcp.resume();
      const dropped = () => notices.reduce((a, b) => a + b, 0);
      await waitUntil(() => (notices.length && slowSeen.length + dropped() >= total ? true : null), {
        timeoutMs: 10_000,
        what: `all ${total} events delivered to the slow client or reported dropped`,
      });
      expect(dropped()).toBeGreaterThan(0);
      // Every event either reached the slow client once or was counted as dropped, never both (the distinct
      // count tells a duplicate delivery from a miscount if this ever fails).
      expect({ delivered: slowSeen.length, distinct: new Set(slowSeen).size }).toEqual({
        delivered: total - dropped(),
        distinct: total - dropped(),
      });
    } finally {
      Object.assign(gateway, saved);
    }
  });
});

describe('Socket.IO gateway against key guessing', () => {
  /** Opens a handshake with `token` (optionally through a proxy that says the client is `forwardedFor`). */
  function opener(t: TestApp, open: Socket[]) {
    return (token: string, forwardedFor?: string) => {
      const socket = io(t.url, {
        auth: { token },
        transports: ['websocket'],
        extraHeaders: forwardedFor ? { 'X-Forwarded-For': forwardedFor } : {},
        reconnection: false,
        forceNew: true,
      });
      open.push(socket);
      return socket;
    };
  }

  it('holds back wrong keys after 20 refusals from an address, but the right key still connects and gets events', async () => {
    const t = await startTestApp({ THROTTLE_TTL_MS: '60000' });
    const open: Socket[] = [];
    const attempt = opener(t, open);
    try {
      const answers: string[] = [];
      for (let i = 0; i < 100; i++) {
        const socket = attempt(`wrong-key-number-${i}`);
        answers.push((await connectError(socket)).message);
        socket.disconnect();
      }
      expect(answers.slice(0, 20)).toEqual(Array(20).fill('Unauthorized'));
      expect(answers.slice(20)).toEqual(Array(80).fill('Too Many Requests'));
      const blocked = await connectError(attempt('yet-another-wrong-key'));
      expect(blocked.data).toEqual({
        error: 'Too Many Requests',
        details: expect.stringMatching(/try again in \d+ s/),
      });

      const good = attempt(TEST_API_KEY);
      await next(good, 'connect');
      const event = newEvent('message.received', 'default', { id: 'msg_after_lockout', text: 'halo' });
      const got = next(good, 'message.received');
      t.app.get(EventBus).emit(event);
      expect(await got).toEqual(event);
    } finally {
      for (const s of open) s.disconnect();
      await t.close();
    }
  });

  it('counts clients behind a trusted proxy by X-Forwarded-For, and ignores the header otherwise', async () => {
    const countFor = async (env: Record<string, string>) => {
      const t = await startTestApp({ THROTTLE_TTL_MS: '60000', ...env });
      const open: Socket[] = [];
      const attempt = opener(t, open);
      try {
        for (let i = 0; i < 20; i++) await connectError(attempt(`wrong-${i}`, '203.0.113.1'));
        const first = (await connectError(attempt('wrong-again', '203.0.113.1'))).message;
        const second = (await connectError(attempt('wrong-again', '203.0.113.2'))).message;
        return { first, second };
      } finally {
        for (const s of open) s.disconnect();
        await t.close();
      }
    };
    expect(await countFor({ TRUST_PROXY: 'loopback' })).toEqual({
      first: 'Too Many Requests',
      second: 'Unauthorized',
    });
    // Without TRUST_PROXY anyone could claim any address: the header is ignored, the peer is the client.
    expect(await countFor({})).toEqual({ first: 'Too Many Requests', second: 'Too Many Requests' });
  });
});

describe('Socket.IO gateway with AUTH_DISABLED=true', () => {
  it('accepts a client without a key', async () => {
    const t = await startTestApp({ AUTH_DISABLED: 'true' });
    const socket = io(t.url, { transports: ['websocket'], reconnection: false, forceNew: true });
    try {
      await next(socket, 'connect');
    } finally {
      socket.disconnect();
      await t.close();
    }
  });
});
