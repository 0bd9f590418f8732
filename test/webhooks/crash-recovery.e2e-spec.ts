import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import * as readline from 'node:readline';
import request from 'supertest';
import { startTestApp, tempDir, TEST_API_KEY, TestApp } from '../support/test-app';
import { databaseEnv, queryTestDb } from '../support/test-engine';
import { waitUntil } from '../support/wait';
import { Receiver } from './support/receiver';

const ROOT = path.join(__dirname, '..', '..');
const EVENTS = 500;

/** Spawns the gateway as a child process (TypeScript compiled on the fly by SWC) and reads its stdout lines. */
function spawnGateway(env: Record<string, string>) {
  const child = spawn(
    process.execPath,
    [
      '-r',
      path.join(__dirname, '..', '..', 'scripts', 'swc-register.js'),
      path.join(__dirname, 'support', 'child-app.ts'),
    ],
    { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const lines: string[] = [];
  readline.createInterface({ input: child.stdout! }).on('line', (l) => lines.push(l));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, lines, exited };
}

describe('webhook delivery survives a crash', () => {
  let child: ChildProcess | undefined;
  let t: TestApp | undefined;
  const receiver = new Receiver();
  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await t?.close();
    await receiver.close();
  });

  it(`SIGKILL with ${EVENTS} events pending: after a restart every one is delivered, none lost`, async () => {
    const dir = tempDir('gw-crash-');
    const env = {
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dir,
      ...(await databaseEnv(dir)),
      API_KEY: TEST_API_KEY,
      LOG_LEVEL: 'error',
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
      WEBHOOK_TIMEOUT_MS: '1000',
      WEBHOOK_RETRY_SCHEDULE: '0,0.1,0.2,0.5,1,1,1,1',
    };
    // Phase 1: the receiver holds every request open, so nothing completes before the kill.
    const held: Array<() => void> = [];
    receiver.respond = () => new Promise((resolve) => held.push(() => resolve({ status: 200 })));
    await receiver.listen();

    const gw = spawnGateway(env);
    child = gw.child;
    const ready = await waitUntil(() => gw.lines.find((l) => l.startsWith('ready ')), {
      timeoutMs: 30_000,
      what: 'the child gateway to boot',
    });
    const url = `http://127.0.0.1:${ready.split(' ')[1]}`;
    const created = await request(url)
      .post('/api/webhook-endpoints')
      .set('X-API-Key', TEST_API_KEY)
      .send({ url: receiver.url, events: ['message.received'] })
      .expect(201);
    gw.child.stdin!.write(`publish ${EVENTS}\n`);
    await waitUntil(() => gw.lines.includes(`published ${EVENTS}`), {
      timeoutMs: 30_000,
      what: 'publishing',
    });
    await waitUntil(() => receiver.requests.length > 0, { what: 'the first attempts to be in flight' });
    gw.child.kill('SIGKILL');
    await gw.exited;

    const counts = await queryTestDb<{ status: string; n: number }>(
      dir,
      `SELECT status, COUNT(*) AS n FROM webhook_deliveries GROUP BY status`,
    );
    const byStatus = Object.fromEntries(counts.map((c) => [c.status, c.n]));
    expect((byStatus.pending ?? 0) + (byStatus.delivering ?? 0)).toBe(EVENTS);

    // Phase 2: restart on the same database; the receiver now answers.
    receiver.respond = () => ({ status: 200 });
    held.forEach((release) => release());
    const before = receiver.requests.length;
    t = await startTestApp({ ...env, WEBHOOK_CONCURRENCY: '20' }, dir);
    // Every event reaches the receiver after the restart, including those in flight at the kill (their lease
    // runs out and they are claimed again, with the same webhook-id).
    const idsAfterRestart = () =>
      new Set(receiver.requests.slice(before).map((r) => r.headers['webhook-id']));
    await waitUntil(() => idsAfterRestart().size === EVENTS, {
      timeoutMs: 30_000,
      what: `all ${EVENTS} events at the receiver after the restart`,
    });
    const deliveredCount = async () =>
      (
        await queryTestDb<{ n: number }>(
          dir,
          `SELECT COUNT(*) AS n FROM webhook_deliveries WHERE status = 'delivered'`,
        )
      )[0].n;
    await waitUntil(async () => (await deliveredCount()) === EVENTS, {
      what: 'every delivery row to be delivered',
    });
    const page = await t
      .http()
      .get(`/api/webhook-endpoints/${created.body.id}/deliveries?status=delivered&limit=200`)
      .set('X-API-Key', TEST_API_KEY)
      .expect(200);
    expect(page.body.items).toHaveLength(200);
    expect(receiver.ids().size).toBe(EVENTS);
  });
});
