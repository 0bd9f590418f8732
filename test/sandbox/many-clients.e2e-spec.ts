import { WhatsAppSandbox } from '../../src/sandbox/whatsapp-sandbox';
import { BaileysTestClient } from '../support/baileys-test-client';

const CLIENTS = 50;
/** Linking runs in waves so 2 cores are not asked to generate every client's 812 prekeys at the same moment. */
const WAVE = 10;
// Generous deadlines: the machine's 2 cores are shared with other suites, and every link costs the client
// pure-JS XEdDSA work (certificate chain, ADV signatures) that cannot be made cheaper from the server side.
// With 50 clients and the sandbox on one starved event loop, a server answer can wait longer than Baileys'
// 30 s keep-alive allows, and the client drops a healthy connection ("Connection was lost", then "Connection
// Closed" on the next send); keep-alive is not what this test is about, so the clients get a longer one.
const KEEP_ALIVE_MS = 300_000;

describe('many clients at once', () => {
  let sandbox: WhatsAppSandbox;
  const clients: BaileysTestClient[] = [];

  beforeAll(async () => {
    sandbox = await WhatsAppSandbox.start({ port: 0 });
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.end()));
    await sandbox.stop();
  });

  it(`links ${CLIENTS} clients, each its own account, and each sends and receives one message`, async () => {
    const linked: { phone: string }[] = [];
    for (let i = 0; i < CLIENTS; i += WAVE) {
      const wave = Array.from(
        { length: Math.min(WAVE, CLIENTS - i) },
        () => new BaileysTestClient(sandbox, { keepAliveIntervalMs: KEEP_ALIVE_MS }),
      );
      clients.push(...wave);
      linked.push(...(await Promise.all(wave.map((c) => c.link({ timeoutMs: 120_000 })))));
    }
    expect(new Set(linked.map((l) => l.phone)).size).toBe(CLIENTS);
    expect(clients.every((_, i) => sandbox.isConnected(linked[i].phone))).toBe(true);

    await Promise.all(
      clients.map(async (client, i) => {
        const contact = `62899${String(i).padStart(8, '0')}`;
        const text = `outbound #${i}`;
        const sent = await client.sock!.sendMessage(`${contact}@s.whatsapp.net`, { text });
        const recorded = await sandbox.waitForReceived(contact, (m) => m.id === sent!.key.id, 90_000);
        expect(recorded).toMatchObject({ text, fromAccount: linked[i].phone });

        const inbound = await sandbox.contactSend(contact, linked[i].phone, { text: `inbound #${i}` });
        const upsert = await client.waitFor(
          'messages.upsert',
          (u) => u.messages.some((m) => m.key.id === inbound.id),
          90_000,
        );
        // Under load Baileys may batch several messages into one upsert: look at the one that was sent.
        const got = upsert.messages.find((m) => m.key.id === inbound.id)!;
        expect(got.message?.conversation).toBe(`inbound #${i}`);
        expect(got.key.remoteJid).toBe(`${contact}@s.whatsapp.net`);
      }),
    );
  }, 480_000);
});
