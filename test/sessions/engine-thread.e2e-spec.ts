import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { AppConfig } from '../../src/config/app-config';
import { engineThread } from '../../src/whatsapp/whatsapp.module';
import { BaileysEngine } from '../../src/whatsapp/engine/baileys/baileys.engine';
import { EngineThread } from '../../src/whatsapp/engine/thread/engine-thread';
import { WhatsAppEngine } from '../../src/whatsapp/engine/whatsapp-engine';
import { startSandboxApp, SandboxApp } from '../support/sandbox-app';
import { waitUntil } from '../support/wait';

const NO_PACING = { SEND_MIN_INTERVAL_MS: '0', SEND_JITTER_MS: '0' };

/** Sends a text through the API and waits until the contact has it; answers the WhatsApp id. */
async function sendAndReceive(t: SandboxApp, contact: string, text: string): Promise<string> {
  const res = await t.post('/api/sessions/default/messages', { to: contact, type: 'text', text });
  expect(res.status).toBe(202);
  const got = await t.sandbox.waitForReceived(contact, (m) => m.id === res.body.waMessageId, 20_000);
  expect(got.text).toBe(text);
  return res.body.waMessageId;
}

/** A contact writes to the account; waits until the gateway has stored it. */
async function receive(t: SandboxApp, contact: string, text: string): Promise<void> {
  const { id } = await t.sandbox.contactSend(contact, t.account, { text });
  const stored = await waitUntil(
    async () => {
      const r = await t.get(`/api/sessions/default/messages/${id}`);
      return r.status === 200 ? r.body : null;
    },
    { what: 'the incoming message' },
  );
  expect(stored).toMatchObject({ direction: 'in', text });
}

describe('the engine thread (WA_ENGINE_THREAD=worker; auto on 2+ cores)', () => {
  let t: SandboxApp;
  beforeAll(async () => {
    t = await startSandboxApp({ ...NO_PACING, WA_ENGINE_THREAD: 'worker' });
  });
  afterAll(() => t.close());

  const threadOf = () => (t.app.get(WhatsAppEngine) as unknown as { worker: Worker | null }).worker;

  it('runs the sockets off the API thread', async () => {
    expect(t.app.get(WhatsAppEngine)).toBeInstanceOf(EngineThread);
    expect(threadOf()).not.toBeNull();
    await sendAndReceive(t, '6281100000301', 'dari thread mesin');
    await receive(t, '6281100000301', 'balasan kontak');
  });

  it('when the thread dies, its sessions reconnect on a new one and the queue goes on, once each', async () => {
    const contact = '6281100000302';
    await sendAndReceive(t, contact, 'sebelum');
    const old = threadOf()!;
    await old.terminate();
    // Sent while no thread is up: queued, then sent by the new connection.
    const queued = await t.post('/api/sessions/default/messages', {
      to: contact,
      type: 'text',
      text: 'selama',
    });
    expect(queued.status).toBe(202);
    await waitUntil(
      async () => {
        const current = threadOf();
        const res = await t.get('/api/sessions/default');
        return current !== null && current !== old && res.body.status === 'connected';
      },
      { timeoutMs: 20_000, what: 'the session to reconnect on a new engine thread' },
    );
    const got = await t.sandbox.waitForReceived(contact, (m) => m.id === queued.body.waMessageId, 20_000);
    expect(got.text).toBe('selama');
    await sendAndReceive(t, contact, 'sesudah');
    await receive(t, contact, 'masih tersambung');
    const texts = t.sandbox.received(contact).map((m) => m.text);
    expect(texts.filter((x) => x === 'selama')).toHaveLength(1);
    expect(texts.slice(-3)).toEqual(['sebelum', 'selama', 'sesudah']);
  });
});

describe('WA_ENGINE_THREAD=auto', () => {
  it('runs the sockets on a thread of their own when there is a second core', () => {
    const config = { WA_ENGINE_THREAD: 'auto' } as AppConfig;
    expect(engineThread(config)).toBe(availableParallelism() >= 2 ? 'worker' : 'main');
    expect(engineThread({ WA_ENGINE_THREAD: 'main' } as AppConfig)).toBe('main');
    expect(engineThread({ WA_ENGINE_THREAD: 'worker' } as AppConfig)).toBe('worker');
  });
});

describe('the inline engine (WA_ENGINE_THREAD=main)', () => {
  let t: SandboxApp;
  beforeAll(async () => {
    t = await startSandboxApp({ ...NO_PACING, WA_ENGINE_THREAD: 'main' });
  });
  afterAll(() => t.close());

  it('links, sends and receives on the API thread', async () => {
    const engine = t.app.get(WhatsAppEngine);
    expect(engine).toBeInstanceOf(BaileysEngine);
    expect(engine).not.toBeInstanceOf(EngineThread);
    await sendAndReceive(t, '6281100000303', 'dari thread utama');
    await receive(t, '6281100000303', 'balasan');
  });
});
