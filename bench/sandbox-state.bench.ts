/**
 * What the sandbox's durable state file costs under a burst: a real Baileys client sends N messages to one
 * contact, then a contact sends N messages to the account, once with a state file and once in memory.
 * Prints wall time per phase, the number of saves, the time spent saving and the file's size.
 * Run: node -r ./scripts/swc-register.js bench/sandbox-state.bench.ts [N]
 */
import * as path from 'node:path';
import { WhatsAppSandbox } from '../src/sandbox/whatsapp-sandbox';
import { BaileysTestClient } from '../test/support/baileys-test-client';
import { tempDir } from './lib/processes';

const N = Number(process.argv[2] ?? 1000);

async function run(stateFile: string | undefined) {
  const sandbox = await WhatsAppSandbox.start({
    stateFile,
    receipts: { deliveredAfterMs: 50, readAfterMs: 150 },
  });
  const client = new BaileysTestClient(sandbox);
  const { phone } = await client.link();
  await sandbox.persisted();
  const before = sandbox.saveStats;
  const contact = '6281234555001';
  let t0 = performance.now();
  for (let i = 0; i < N; i++)
    await client.sock!.sendMessage(`${contact}@s.whatsapp.net`, { text: `out ${i}` });
  await sandbox.waitForCount(contact, N, 600_000);
  await sandbox.persisted();
  const outMs = performance.now() - t0;
  t0 = performance.now();
  const ids = new Set<string>();
  for (let i = 0; i < N; i++)
    ids.add((await sandbox.contactSend('6281234555002', phone, { text: `in ${i}` })).id);
  while (sandbox.deviceQueue(phone)[0].stanzas.some((s) => ids.has(s.id)))
    await new Promise((r) => setTimeout(r, 20));
  await sandbox.persisted();
  const inMs = performance.now() - t0;
  const after = sandbox.saveStats;
  await client.end();
  await sandbox.stop();
  return {
    stateFile: stateFile ? 'yes' : 'no',
    clientToContactMs: Math.round(outMs),
    contactToClientAckedMs: Math.round(inMs),
    saves: after.saves - before.saves,
    saveMsTotal: Math.round(after.ms - before.ms),
    serializeMsTotal: Math.round(after.serializeMs - before.serializeMs),
    saveMsEach:
      after.saves > before.saves ? +((after.ms - before.ms) / (after.saves - before.saves)).toFixed(1) : 0,
    fileKiB: Math.round(after.bytes / 1024),
  };
}

async function main() {
  const rows = [await run(undefined), await run(path.join(tempDir('sbx-bench-'), 'sandbox.json'))];
  // console.log is filtered while the sandbox runs (libsignal's session dumps); write directly.
  for (const row of rows) process.stdout.write(`${JSON.stringify(row)}\n`);
  process.exit(0);
}

void main();
