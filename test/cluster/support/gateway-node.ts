import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import * as readline from 'node:readline';
import request from 'supertest';
import { TEST_API_KEY } from '../../support/test-app';

const ROOT = path.join(__dirname, '..', '..', '..');
const MAIN = path.join(ROOT, 'src', 'main.ts');
/** Lines of output kept per node (its log), the newest. */
const MAX_LINES = 5000;
const REQUEST_TIMEOUT_MS = 30_000;

export interface GatewayNodeOptions {
  id: string;
  /** The whole environment of the process beyond the parent's (see `nodeEnv` in cluster.ts). */
  env: Record<string, string>;
  /** How long to wait for /health after a start (SWC compiles the sources first; default 90 s). */
  readyTimeoutMs?: number;
  /** How the process runs (default: src/main.ts through SWC); benchmarks run the build. */
  launch?: NodeLaunch;
}

/** Another way to run a node: e.g. the compiled `dist/main.js` with `--expose-gc` and an IPC channel. */
export interface NodeLaunch {
  /** The script to run (absolute path); without it, src/main.ts through scripts/swc-register.js. */
  entry?: string;
  /** Node flags before the script. */
  execArgv?: string[];
  /** Open an IPC channel to the child (see `process`). */
  ipc?: boolean;
}

/**
 * One gateway node of a test cluster: the real entry point (src/main.ts, through scripts/swc-register.js) in a
 * child process on a fixed port, so a test can kill -9 it, freeze it (SIGSTOP: alive but silent, as a node
 * stuck in a long GC pause or a stalled VM), stop it with SIGTERM, and start it again on the same port,
 * environment and data dir.
 */
export class GatewayNode {
  readonly url: string;
  /** What the process wrote on stderr (every run of it), newest last. */
  readonly stderr: string[] = [];
  /** Its log (stdout, where the gateway's logger writes) and stderr, interleaved, newest last. */
  readonly output: string[] = [];
  private child?: ChildProcess;
  private exited: Promise<void> = Promise.resolve();
  private frozen = false;

  private constructor(private readonly opts: GatewayNodeOptions) {
    if (!opts.env.PORT) throw new Error(`node ${opts.id}: PORT must be set`);
    this.url = `http://127.0.0.1:${opts.env.PORT}`;
  }

  /** Spawns the node and resolves once its /health answers. */
  static async start(opts: GatewayNodeOptions): Promise<GatewayNode> {
    const node = new GatewayNode(opts);
    await node.spawn();
    return node;
  }

  get id(): string {
    return this.opts.id;
  }

  get env(): Readonly<Record<string, string>> {
    return this.opts.env;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** The running child process (for a launch with `ipc`: its channel). */
  get process(): ChildProcess | undefined {
    return this.child;
  }

  /** The process exists (it may be frozen). */
  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Running and not frozen: it answers requests. */
  get responsive(): boolean {
    return this.running && !this.frozen;
  }

  /** With the test API key; a request to a frozen node fails after 30 s instead of hanging the test. */
  get(p: string): request.Test {
    return request(this.url).get(p).set('X-API-Key', TEST_API_KEY).timeout(REQUEST_TIMEOUT_MS);
  }

  delete(p: string): request.Test {
    return request(this.url).delete(p).set('X-API-Key', TEST_API_KEY).timeout(REQUEST_TIMEOUT_MS);
  }

  post(p: string, body: object = {}): request.Test {
    return request(this.url).post(p).set('X-API-Key', TEST_API_KEY).timeout(REQUEST_TIMEOUT_MS).send(body);
  }

  /** SIGKILL: no shutdown hook runs; its leases stay until they expire. */
  kill(): Promise<void> {
    return this.signal('SIGKILL');
  }

  /** SIGTERM: the gateway shuts down cleanly (and, in a cluster, hands its sessions over). */
  stop(): Promise<void> {
    return this.signal('SIGTERM');
  }

  /** SIGSTOP: the process stays, its sockets stay open, but it does nothing (no renewals, no pings). */
  freeze(): void {
    if (!this.running) throw new Error(`node ${this.id} is not running`);
    this.child!.kill('SIGSTOP');
    this.frozen = true;
  }

  /** SIGCONT: a frozen node resumes where it stopped, unaware that time passed. */
  thaw(): void {
    if (!this.running) throw new Error(`node ${this.id} is not running`);
    this.child!.kill('SIGCONT');
    this.frozen = false;
  }

  /** Starts it again on the same port, environment and data dir (after kill() or stop()). */
  async restart(): Promise<void> {
    if (this.running) throw new Error(`node ${this.id} is still running: kill() or stop() it first`);
    await this.spawn();
  }

  /** Output lines (stdout and stderr) that contain `text`. */
  logLines(text: string): string[] {
    return this.output.filter((l) => l.includes(text));
  }

  private async spawn(): Promise<void> {
    const launch = this.opts.launch ?? {};
    const script = launch.entry
      ? [launch.entry]
      : ['-r', path.join(ROOT, 'scripts', 'swc-register.js'), MAIN];
    const child = spawn(process.execPath, [...(launch.execArgv ?? []), ...script], {
      // Not the checkout: the gateway reads `.env` from its working directory, and a developer's must not apply.
      cwd: this.opts.env.DATA_DIR ?? ROOT,
      env: { ...process.env, ...this.opts.env },
      stdio: launch.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.frozen = false;
    const keep = (into: string[], line: string) => {
      into.push(line);
      if (into.length > MAX_LINES) into.shift();
    };
    readline.createInterface({ input: child.stdout! }).on('line', (l) => keep(this.output, l));
    readline.createInterface({ input: child.stderr! }).on('line', (l) => {
      keep(this.stderr, l);
      keep(this.output, `[stderr] ${l}`);
    });
    this.exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    // Any answer from /health means it listens (503 only says a check fails, e.g. no session linked yet).
    const deadline = Date.now() + (this.opts.readyTimeoutMs ?? 90_000);
    for (;;) {
      const problem = !this.running
        ? `exited (${child.exitCode ?? child.signalCode}) while starting`
        : Date.now() > deadline
          ? 'did not answer /health in time'
          : null;
      if (problem) {
        child.kill('SIGKILL');
        throw new Error(`node ${this.id} ${problem}:\n${this.output.slice(-20).join('\n')}`);
      }
      if (await answers(`${this.url}/health`)) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  private async signal(sig: NodeJS.Signals): Promise<void> {
    if (!this.running) return;
    this.child!.kill(sig);
    // A frozen process acts on SIGTERM only once it runs again (SIGKILL needs no help).
    if (this.frozen && sig !== 'SIGKILL') this.thaw();
    await this.exited;
  }
}

const answers = (url: string): Promise<boolean> =>
  fetch(url, { signal: AbortSignal.timeout(5_000) }).then(
    () => true,
    () => false,
  );
