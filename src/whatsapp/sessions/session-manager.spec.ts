import { NoFence } from '../../cluster/session-fence';
import { AllSessionsOwned } from './session-ownership';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { AppConfig } from '../../config/app-config';
import { FieldCipher } from '../../secrets/field-cipher';
import type { EventBus } from '../../events/event-bus';
import type { ConnectOptions, EngineConnection } from '../engine/whatsapp-engine';
import { WhatsAppEngine } from '../engine/whatsapp-engine';
import type { CloseInfo, WaVersion } from '../engine/engine.types';
import { WaVersionService } from '../version/wa-version.service';
import type { SentPayloads } from './message-ports';
import { SessionManager } from './session-manager';
import type { SessionStore } from './session.store';

/** A scripted engine: each connect() returns a connection the test drives by hand. */
class FakeEngine extends WhatsAppEngine {
  connections: { options: ConnectOptions; conn: EngineConnection & { ended: boolean } }[] = [];
  linked = true;

  downloadMedia(): Promise<Buffer> {
    return Promise.reject(new Error('no media here'));
  }

  decryptPollVote(): string[] | null {
    return null;
  }

  async connect(options: ConnectOptions): Promise<EngineConnection> {
    const conn = {
      ended: false,
      send: jest.fn(),
      requestPairingCode: jest.fn(),
      lookup: jest.fn(),
      logout: jest.fn(),
      markRead: jest.fn(),
      sendChatState: jest.fn(),
      sendPresence: jest.fn(),
      subscribePresence: jest.fn(),
      profilePicture: jest.fn(),
      setBlocked: jest.fn(),
      blocklist: jest.fn(),
      group: jest.fn(),
      end() {
        this.ended = true;
        options.handlers.onClose({ kind: 'stopped', code: null, message: 'ended' });
      },
      idleMs: () => 0,
      isLinked: () => this.linked,
    };
    this.connections.push({ options, conn });
    return conn;
  }
  async importAuthFolder() {
    return null;
  }
  async isLinked() {
    return this.linked;
  }
  builtinVersion(): WaVersion {
    return [2, 3000, 1];
  }
  last() {
    return this.connections[this.connections.length - 1];
  }
  close(info: Partial<CloseInfo>) {
    this.last().options.handlers.onClose({ kind: 'transient', code: null, message: 'x', ...info });
  }
}

function setup(overrides: Partial<AppConfig> = {}) {
  const engine = new FakeEngine();
  const store = {
    ensure: jest.fn(async () => undefined),
    all: jest.fn(async () => [
      { id: 'default', status: 'connected', reason: null, phone: '628', name: null, lid: null, createdAt: 1 },
    ]),
    saveStatus: jest.fn(async () => undefined),
    saveIdentity: jest.fn(async () => undefined),
    remove: jest.fn(async () => undefined),
  } as unknown as SessionStore;
  const emitter = new EventEmitter2();
  const bus = { publish: jest.fn(async (e: any) => emitter.emit(e.type, e)) } as unknown as EventBus;
  const config = Object.assign(new AppConfig(), {
    WA_WATCHDOG_INTERVAL_MS: 0,
    WA_RECONNECT_BASE_MS: 20,
    WA_RECONNECT_MAX_MS: 200,
    WA_CONNECT_TIMEOUT_MS: 1000,
    ...overrides,
  });
  const versions = new WaVersionService(config, engine);
  const cipher = FieldCipher.plaintext();
  const sentPayloads = { find: jest.fn(async (_s: string, waId: string) => `payload of ${waId}`) };
  const manager = new SessionManager(
    engine,
    store,
    bus,
    emitter,
    config,
    {} as any,
    cipher,
    versions,
    sentPayloads as SentPayloads,
    new AllSessionsOwned(),
    new NoFence(),
  );
  return { engine, manager, sentPayloads };
}

const until = async (cond: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('SessionManager lifecycle', () => {
  it("answers the engine's question for a sent message's payload from the SentPayloads port", async () => {
    const { engine, manager, sentPayloads } = setup();
    await manager.onApplicationBootstrap();
    await until(() => engine.connections.length === 1);
    await expect(engine.last().options.handlers.loadSentPayload!('WA1')).resolves.toBe('payload of WA1');
    expect(sentPayloads.find).toHaveBeenCalledWith('default', 'WA1');
    await manager.beforeApplicationShutdown();
  });

  it('reconnects at once after restart-required, with backoff after transient closes', async () => {
    const { engine, manager } = setup();
    await manager.onApplicationBootstrap();
    await until(() => engine.connections.length === 1);
    engine.last().options.handlers.onOpen({ phone: '628', jid: '628@s.whatsapp.net', lid: null, name: null });
    expect(manager.get('default')!.status).toBe('connected');
    engine.close({ kind: 'restart_required', code: 515 });
    await until(() => engine.connections.length === 2);
    engine.close({ kind: 'transient', code: 428 });
    expect(manager.get('default')!.status).toBe('disconnected');
    expect(manager.get('default')!.reason).toMatch(/Reconnecting in/);
    await until(() => engine.connections.length === 3);
    await manager.beforeApplicationShutdown();
  });

  it('does not fight over a replaced connection (440) and rests after an expired QR', async () => {
    const { engine, manager } = setup();
    await manager.onApplicationBootstrap();
    await until(() => engine.connections.length === 1);
    engine.close({ kind: 'connection_replaced', code: 440 });
    await new Promise((r) => setTimeout(r, 100));
    expect(engine.connections).toHaveLength(1);
    expect(manager.get('default')!.status).toBe('disconnected');
    expect(manager.get('default')!.reason).toMatch(/replaced/);

    engine.linked = false;
    await manager.restart('default');
    engine.last().options.handlers.onQr('qr-1');
    expect(manager.get('default')!.status).toBe('qr_ready');
    engine.close({ kind: 'qr_expired', code: 408 });
    await new Promise((r) => setTimeout(r, 100));
    expect(engine.connections).toHaveLength(2);
    expect(manager.get('default')!.status).toBe('disconnected');
    await manager.beforeApplicationShutdown();
  });

  it('says when WhatsApp cannot be reached or refuses the version, and backs off', async () => {
    const { engine, manager } = setup();
    await manager.onApplicationBootstrap();
    await until(() => engine.connections.length === 1);
    expect(engine.last().options.version).toEqual([2, 3000, 1]);
    engine.close({ kind: 'unreachable', code: 408, message: 'ECONNREFUSED 127.0.0.1:1' });
    const rt = manager.get('default')!;
    expect(rt.reason).toMatch(
      /^Cannot reach WhatsApp \(ECONNREFUSED 127\.0\.0\.1:1\); reconnecting in [\d.]+ s$/,
    );
    expect(rt.blocker?.kind).toBe('unreachable');
    await until(() => engine.connections.length === 2);
    engine.close({ kind: 'client_outdated', code: 405, message: 'Connection Failure' });
    expect(rt.reason).toMatch(
      /^WhatsApp refused this client version \(2\.3000\.1\); set WA_VERSION or update; reconnecting in/,
    );
    expect(rt.reconnectAttempts).toBe(2);
    await until(() => engine.connections.length === 3);
    engine.last().options.handlers.onOpen({ phone: '628', jid: '628@s.whatsapp.net', lid: null, name: null });
    expect(rt.blocker).toBeNull();
    await manager.beforeApplicationShutdown();
  });

  it('the watchdog recycles a connection stuck opening', async () => {
    const { engine, manager } = setup({ WA_WATCHDOG_INTERVAL_MS: 50, WA_CONNECT_TIMEOUT_MS: 1000 });
    await manager.onApplicationBootstrap();
    await until(() => engine.connections.length === 1);
    // Never opens: after 2 x the connect timeout the watchdog ends it and a new connection is made.
    await until(() => engine.connections.length === 2, 5000);
    expect(engine.connections[0].conn.ended).toBe(true);
    await manager.beforeApplicationShutdown();
  });

  it('serialises start and stop of one session', async () => {
    const { engine, manager } = setup();
    await manager.onApplicationBootstrap();
    await Promise.all([manager.stop('default'), manager.start('default'), manager.start('default')]);
    // stop ran first (after boot's start), then exactly one new connection; no second socket for one session.
    const open = engine.connections.filter((c) => !c.conn.ended);
    expect(open).toHaveLength(1);
    await manager.beforeApplicationShutdown();
  });
});
