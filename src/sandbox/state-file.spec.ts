import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { prepareStateDir, tempFileOf, writeFileDurably } from './state-file';

describe('state file', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sbx-state-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes the content and leaves no temporary file', async () => {
    const file = path.join(dir, 'state.json');
    await writeFileDurably(file, '{"a":1}');
    await writeFileDurably(file, '{"a":2}');
    expect(fs.readFileSync(file, 'utf8')).toBe('{"a":2}');
    expect(fs.readdirSync(dir)).toEqual(['state.json']);
  });

  it('creates a missing directory and removes temporary files a crash left, nothing else', () => {
    const file = path.join(dir, 'nested', 'deeper', 'state.json');
    expect(prepareStateDir(file)).toBe(0);
    expect(fs.statSync(path.dirname(file)).isDirectory()).toBe(true);
    const sub = path.dirname(file);
    for (const name of [
      'state.json',
      'state.json.123.tmp',
      'state.json.9.tmp',
      'other.json.5.tmp',
      'state.json.x.tmp',
    ])
      fs.writeFileSync(path.join(sub, name), 'x');
    expect(prepareStateDir(file)).toBe(2);
    expect(fs.readdirSync(sub).sort()).toEqual(['other.json.5.tmp', 'state.json', 'state.json.x.tmp']);
  });

  it('a failed write leaves the previous content in place', async () => {
    const file = path.join(dir, 'state.json');
    await writeFileDurably(file, 'old');
    fs.mkdirSync(tempFileOf(file)); // the temporary path cannot be opened as a file
    await expect(writeFileDurably(file, 'new')).rejects.toThrow();
    expect(fs.readFileSync(file, 'utf8')).toBe('old');
  });
});
