import type { EngineConnection } from '../engine/whatsapp-engine';
import type { SessionManager } from './session-manager';
import { SessionRuntime } from './session-runtime';
import { NotConnected, SessionNotFound } from './session.errors';
import { SessionsFacade } from './sessions.facade';

function setup() {
  const runtimes = new Map<string, SessionRuntime>();
  const manager = {
    has: (id: string) => runtimes.has(id),
    get: (id: string) => runtimes.get(id),
    ensurePairing: jest.fn(async (id: string) => runtimes.get(id)!),
    waitFor: jest.fn(async (id: string, predicate: (rt: SessionRuntime) => boolean) =>
      predicate(runtimes.get(id)!),
    ),
  } as unknown as SessionManager;
  const add = (id: string) => {
    const rt = new SessionRuntime(id);
    runtimes.set(id, rt);
    return rt;
  };
  return { facade: new SessionsFacade(manager), manager, add };
}

const conn = { send: jest.fn(), lookup: jest.fn() } as unknown as EngineConnection;

describe('SessionsFacade', () => {
  it('answers an unknown session with SessionNotFound', async () => {
    const { facade } = setup();
    expect(facade.has('x')).toBe(false);
    expect(facade.isConnected('x')).toBe(false);
    expect(facade.openConnection('x')).toBeNull();
    expect(() => facade.state('x')).toThrow(SessionNotFound);
    expect(() => facade.status('x')).toThrow(SessionNotFound);
    expect(() => facade.connection('x')).toThrow(SessionNotFound);
    await expect(facade.ensurePairing('x', 10)).rejects.toThrow(SessionNotFound);
    expect(() => facade.waitFor('x', () => true, 10)).toThrow(SessionNotFound);
  });

  it('gives the connection only while the session is connected', () => {
    const { facade, add } = setup();
    const rt = add('s');
    rt.status = 'starting';
    rt.conn = conn;
    expect(facade.openConnection('s')).toBeNull();
    expect(() => facade.connection('s')).toThrow(NotConnected);
    expect(() => facade.connection('s')).toThrow('Connection status is starting');
    rt.status = 'connected';
    expect(facade.isConnected('s')).toBe(true);
    expect(facade.connection('s')).toBe(conn);
    rt.conn = null;
    expect(() => facade.connection('s')).toThrow(NotConnected);
  });

  it('answers state as a copy, not the runtime itself', async () => {
    const { facade, add } = setup();
    const rt = add('s');
    rt.status = 'qr_ready';
    rt.qr = 'QR';
    const state = facade.state('s');
    expect(state).toEqual({
      id: 's',
      status: 'qr_ready',
      reason: null,
      qr: 'QR',
      me: null,
      linked: false,
      stopped: false,
    });
    expect(state).not.toBeInstanceOf(SessionRuntime);
    rt.status = 'connected';
    expect(state.status).toBe('qr_ready');
    expect((await facade.ensurePairing('s', 10)).status).toBe('connected');
    expect(await facade.waitFor('s', (s) => s.status === 'connected', 10)).toBe(true);
  });
});
