import { io, Socket } from 'socket.io-client';
import { startSandboxApp, SandboxApp } from '../support/sandbox-app';

const DEADLINE_MS = 20_000;

function waitFor<T = any>(
  socket: Socket,
  event: string,
  match: (payload: T) => boolean = () => true,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, listener);
      reject(new Error(`no matching "${event}" within ${DEADLINE_MS} ms`));
    }, DEADLINE_MS);
    const listener = (payload: T) => {
      if (!match(payload)) return;
      clearTimeout(timer);
      socket.off(event, listener);
      resolve(payload);
    };
    socket.on(event, listener);
  });
}

/** Resolves with `promise`, or fails after the deadline with `describe()`; leaves no timer behind. */
async function within<T>(promise: Promise<T>, describe: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(describe())), DEADLINE_MS);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

describe('Socket.IO live events from the real app (sandbox, real Baileys)', () => {
  let t: SandboxApp;
  const sockets: Socket[] = [];
  const connect = (auth: Record<string, unknown>) => {
    const socket = io(t.url, { auth, transports: ['websocket'], reconnection: false, forceNew: true });
    sockets.push(socket);
    return socket;
  };

  beforeAll(async () => {
    t = await startSandboxApp();
  });
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await t.close();
  });

  it('refuses a client without the key; with it, a contact message arrives as message.received', async () => {
    const refused = connect({});
    const err = await waitFor<Error & { data?: any }>(refused, 'connect_error');
    expect(err.data).toMatchObject({ error: 'Unauthorized' });
    let leaked = 0;
    refused.onAny(() => leaked++);

    const client = connect({ token: t.apiKey, sessions: ['default'] });
    await waitFor(client, 'connect');
    const contact = '6281100000401';
    const received = waitFor<any>(client, 'message.received', (e) => e.data.text === 'Halo, socket!');
    await t.post(`/api/sandbox/contacts/${contact}/messages`, { text: 'Halo, socket!', session: 'default' });
    const event = await received;
    expect(event).toMatchObject({
      id: expect.stringMatching(/^evt_/),
      type: 'message.received',
      session: 'default',
      timestamp: expect.any(String),
      data: {
        session: 'default',
        direction: 'in',
        chat: `${contact}@s.whatsapp.net`,
        from: expect.objectContaining({ phone: contact }),
        text: 'Halo, socket!',
      },
    });
    expect(refused.connected).toBe(false);
    expect(leaked).toBe(0);
  });

  it('streams a send as message.sent then message.status up to read, and session changes as session.status', async () => {
    const client = connect({ token: t.apiKey });
    await waitFor(client, 'connect');
    const contact = '6281100000402';
    const sent = waitFor<any>(client, 'message.sent', (e) => e.data.text === 'Status, please');
    const statuses: string[] = [];
    const read = new Promise<void>((resolve) =>
      client.on('message.status', (e) => {
        statuses.push(e.data.status);
        if (e.data.status === 'read') resolve();
      }),
    );
    const res = await t.post('/api/sessions/default/messages', {
      to: contact,
      type: 'text',
      text: 'Status, please',
    });
    expect(res.status).toBe(202);
    const sentEvent = await sent;
    expect(sentEvent.data.id).toBe(res.body.id);
    await within(read, () => `statuses so far: ${statuses.join(', ')}`);
    expect(statuses[statuses.length - 1]).toBe('read');

    const status = waitFor<any>(client, 'session.status', (e) => e.data.status === 'disconnected');
    await t.post('/api/sandbox/sessions/default/disconnect');
    const event = await status;
    expect(event).toMatchObject({ type: 'session.status', session: 'default', data: { session: 'default' } });
    await waitFor<any>(client, 'session.status', (e) => e.data.status === 'connected');
  });

  it('pushes session.qr for a new session, only to clients subscribed to it (or to all)', async () => {
    const all = connect({ token: t.apiKey });
    const onlyDefault = connect({ token: t.apiKey, sessions: ['default'] });
    await Promise.all([waitFor(all, 'connect'), waitFor(onlyDefault, 'connect')]);
    let leaked = 0;
    onlyDefault.on('session.qr', () => leaked++);
    const qr = waitFor<any>(all, 'session.qr', (e) => e.session === 'qr-live');
    expect((await t.post('/api/sessions', { id: 'qr-live' })).status).toBe(201);
    const event = await qr;
    expect(event).toMatchObject({ type: 'session.qr', session: 'qr-live', data: { session: 'qr-live' } });
    expect(typeof event.data.qr).toBe('string');
    expect(event.data.qr.length).toBeGreaterThan(20);
    expect(leaked).toBe(0);
  });
});
