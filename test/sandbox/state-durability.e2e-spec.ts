import * as fs from 'node:fs';
import * as path from 'node:path';
import { WhatsAppSandbox } from '../../src/sandbox/whatsapp-sandbox';
import { BaileysTestClient } from '../support/baileys-test-client';
import { startSandboxProcess, type SandboxProcess } from '../support/sandbox-process';
import { tempDir } from '../support/test-app';
import { waitUntil } from '../support/wait';

const BURST = 300;

describe('sandbox state survives a crash of the sandbox process', () => {
  const started: SandboxProcess[] = [];
  let client: BaileysTestClient | undefined;
  afterAll(async () => {
    await client?.end();
    for (const p of started) await p.kill();
  });

  it(`kill -9 mid-burst of ${BURST} messages: nothing a contact received is rolled back, no temp file left`, async () => {
    const dir = path.join(tempDir('sbx-crash-'), 'state'); // does not exist yet: the sandbox creates it
    const stateFile = path.join(dir, 'sandbox.json');
    const first = await startSandboxProcess({ stateFile, receipts: false });
    started.push(first);
    client = new BaileysTestClient(first);
    const { phone } = await client.link();
    const contact = '6281234566001';
    const jid = `${contact}@s.whatsapp.net`;

    // The client sends one message after another; the sandbox is killed while they are arriving.
    let stop = false;
    const sending = (async () => {
      for (let i = 0; i < BURST && !stop; i++) await client!.sock!.sendMessage(jid, { text: `burst ${i}` });
    })().catch(() => undefined); // the socket dies with the sandbox
    const seen = await waitUntil(
      async () => {
        const received = await first.received(contact);
        return received.length >= 50 ? received : null;
      },
      { timeoutMs: 60_000, intervalMs: 20, what: 'the first 50 messages at the contact' },
    );
    await first.kill();
    stop = true;
    await sending;

    const names = fs.readdirSync(dir);
    expect(names.filter((n) => n.endsWith('.tmp')).length).toBeLessThanOrEqual(1); // at most the one in flight
    const second = await startSandboxProcess({ stateFile, receipts: false });
    started.push(second);
    expect(fs.readdirSync(dir)).toEqual(['sandbox.json']); // a crash's temporary file is gone
    const after = await second.received(contact);
    const afterIds = new Set(after.map((m) => m.id));
    expect(seen.filter((m) => !afterIds.has(m.id))).toEqual([]);
    expect(after.slice(0, seen.length).map((m) => m.text)).toEqual(seen.map((m) => m.text));
    expect(after.every((m) => m.timesReceived === 1)).toBe(true);

    // The restarted sandbox still knows the linked device: the same creds log in and messages flow.
    await client.end();
    client.sandbox = second;
    client.connect();
    await client.waitForOpen(30_000);
    expect((await second.accounts()).find((a) => a.phone === phone)?.devices[0].connected).toBe(true);
    await client.sock!.sendMessage(jid, { text: 'after the restart' });
    const last = await second.waitForReceived(contact, after.length + 1);
    expect(last[last.length - 1].text).toBe('after the restart');
  });
});

describe('sandbox state file directory', () => {
  it('is created when missing, and the state written there', async () => {
    const stateFile = path.join(tempDir('sbx-dir-'), 'a', 'b', 'sandbox.json');
    const sandbox = await WhatsAppSandbox.start({ stateFile });
    try {
      const client = new BaileysTestClient(sandbox);
      const { phone } = await client.link();
      await client.end();
      await sandbox.persisted();
      const saved = JSON.parse(fs.readFileSync(stateFile, 'utf8'));
      expect(saved.accounts.map((a: { phone: string }) => a.phone)).toEqual([phone]);
    } finally {
      await sandbox.stop();
    }
  });
});
