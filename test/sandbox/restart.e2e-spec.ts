import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WhatsAppSandbox } from '../../src/sandbox/whatsapp-sandbox';
import { BaileysTestClient } from '../support/baileys-test-client';

describe('sandbox state survives a restart', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wa-sandbox-'));
  const stateFile = join(dir, 'state.json');
  let sandbox: WhatsAppSandbox | undefined;

  afterAll(async () => {
    await sandbox?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('accepts the saved creds of a linked client after stop/start and keeps Signal sessions both ways', async () => {
    sandbox = await WhatsAppSandbox.start({ port: 0, stateFile });
    const client = new BaileysTestClient(sandbox);
    const linked = await client.link();
    const contact = '6281234500101';

    const before = await client.sock!.sendMessage(`${contact}@s.whatsapp.net`, { text: 'before restart' });
    await sandbox.waitForReceived(contact, (m) => m.id === before!.key.id);
    const firstIn = await sandbox.contactSend(contact, linked.phone, { text: 'inbound before restart' });
    await client.waitFor('messages.upsert', (u) => u.messages.some((m) => m.key.id === firstIn.id));

    // A gateway restart and a sandbox restart: only the serialised auth state and the state file remain.
    const savedAuth = client.auth.serialize();
    await client.end();
    const caBefore = sandbox.tlsCa;
    await sandbox.stop();
    expect(JSON.parse(readFileSync(stateFile, 'utf8')).accounts).toHaveLength(1);

    sandbox = await WhatsAppSandbox.start({ port: 0, stateFile });
    expect(sandbox.tlsCa).toBe(caBefore);
    expect(sandbox.accounts()[0]).toMatchObject({ phone: linked.phone, lid: linked.lid });
    expect(sandbox.received(contact).map((m) => m.text)).toEqual(['before restart']);

    const restarted = new BaileysTestClient(sandbox, { serializedAuth: savedAuth });
    restarted.connect();
    await restarted.waitForOpen();
    const after = await restarted.sock!.sendMessage(`${contact}@s.whatsapp.net`, { text: 'after restart' });
    const recorded = await sandbox.waitForReceived(contact, (m) => m.id === after!.key.id);
    expect(recorded.text).toBe('after restart');

    const inbound = await sandbox.contactSend(contact, linked.phone, { text: 'inbound after restart' });
    const upsert = await restarted.waitFor('messages.upsert', (u) =>
      u.messages.some((m) => m.key.id === inbound.id),
    );
    const msg = upsert.messages.find((m) => m.key.id === inbound.id)!;
    expect(msg.message?.conversation).toBe('inbound after restart');
    await restarted.end();
  });
});
