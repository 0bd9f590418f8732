import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { waitUntil } from '../../test/support/wait';
import { SandboxStore } from './sandbox-store';

describe('SandboxStore persistence', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sbx-store-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('saves a change in the next turn; whenSaved() resolves once it is on disk, and a new store reads it', async () => {
    const file = path.join(dir, 'missing-dir', 'state.json');
    const store = new SandboxStore(file, () => undefined);
    store.contact('6281234599001');
    await store.whenSaved();
    const saved = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(saved.contacts.map((c: { phone: string }) => c.phone)).toEqual(['6281234599001']);
    expect(new SandboxStore(file, () => undefined).contacts.has('6281234599001')).toBe(true);
    await store.close();
  });

  it('counts a repeated message id on the existing record', () => {
    const store = new SandboxStore(undefined, () => undefined);
    const contact = store.contact('6281234599002');
    const record = {
      id: 'X',
      fromAccount: '62800',
      fromDevice: 2,
      kind: 'text' as const,
      at: 1,
      receipts: {},
      timesReceived: 1,
      proto: {},
    };
    expect(store.recordReceived(contact, { ...record }).duplicate).toBe(false);
    expect(store.recordReceived(contact, { ...record }).duplicate).toBe(true);
    expect(store.recordReceived(contact, { ...record, fromAccount: '62801' }).duplicate).toBe(false);
    expect(contact.received.map((r) => [r.fromAccount, r.timesReceived])).toEqual([
      ['62800', 2],
      ['62801', 1],
    ]);
  });

  it('logs a failed save as an error and saves again once it can', async () => {
    const file = path.join(dir, 'state.json');
    const errors: string[] = [];
    const store = new SandboxStore(file, (level, msg) => level === 'error' && errors.push(msg));
    fs.mkdirSync(`${file}.${process.pid}.tmp`);
    store.contact('6281234599003');
    const saved = store.whenSaved();
    await waitUntil(() => errors.length > 0);
    expect(errors[0]).toBe('saving sandbox state failed');
    fs.rmdirSync(`${file}.${process.pid}.tmp`);
    await saved; // the retry succeeds
    expect(fs.readFileSync(file, 'utf8')).toContain('6281234599003');
    await store.close();
  });
});
