import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import * as readline from 'node:readline';
import request from 'supertest';
import { tempDir, TEST_API_KEY } from '../support/test-app';
import { waitUntil } from '../support/wait';

const ROOT = path.join(__dirname, '..', '..');
const SESSION_PHONE = '6280000000001';
const CONTACT = '6281234567890';
const INBOUND_TEXT = 'inbound words only the contact knows';
const OUTBOUND_TEXT = 'outbound words only the gateway knows';

type Line = Record<string, unknown> & { level: string; msg: string };

/** The gateway as its own process (`src/main.ts`, compiled on the fly by SWC), its stdout kept line by line. */
function spawnGateway(env: Record<string, string>) {
  const child = spawn(
    process.execPath,
    ['-r', path.join(ROOT, 'scripts', 'swc-register.js'), 'src/main.ts'],
    {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const lines: string[] = [];
  const stderr: string[] = [];
  readline.createInterface({ input: child.stdout! }).on('line', (l) => lines.push(l));
  readline.createInterface({ input: child.stderr! }).on('line', (l) => stderr.push(l));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, lines, stderr, exited };
}

describe('logs tell the story of a session (JSON, masked, no texts)', () => {
  let child: ChildProcess | undefined;
  afterAll(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  it('link, receive, send and log out: lifecycle lines in order, one access line per request, no PII', async () => {
    const dir = tempDir('gw-logs-');
    const gw = spawnGateway({
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dir,
      DATABASE_PATH: path.join(dir, 'app.db'),
      API_KEY: TEST_API_KEY,
      SANDBOX: 'true',
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'log',
      LOG_HTTP: 'true',
      LOG_PII: 'false',
      WA_RECONNECT_BASE_MS: '200',
    });
    child = gw.child;
    const parsed = () => gw.lines.map((l) => JSON.parse(l) as Line);
    const listening = await waitUntil(
      () => parsed().find((l) => l.context === 'Bootstrap' && /listening on/.test(l.msg)),
      { timeoutMs: 60_000, what: 'the gateway to listen' },
    );
    const url = /http:\/\/[\d.]+:\d+/.exec(listening.msg)![0];
    const api = () => request(url);

    // Each request carries an id of its own, so its access line can be found.
    const made: { id: string; method: string; route: string; status: number }[] = [];
    const call = async (
      method: 'get' | 'post',
      pathAndQuery: string,
      route: string,
      status: number,
      body?: object,
    ) => {
      const id = `logs-test-${made.length}-${Date.now()}`;
      let req = api()[method](pathAndQuery).set('X-API-Key', TEST_API_KEY).set('X-Request-Id', id);
      if (body) req = req.send(body);
      const res = await req.expect(status);
      made.push({ id, method: method.toUpperCase(), route, status });
      return res;
    };

    await call('post', '/api/sandbox/sessions/default/scan', '/api/sandbox/sessions/:session/scan', 200);
    await waitUntil(
      async () => (await api().get('/api/whatsapp/status').set('X-API-Key', TEST_API_KEY)).body.connected,
      {
        what: 'the session to be connected',
      },
    );
    await call(
      'post',
      `/api/sandbox/contacts/${CONTACT}/messages`,
      '/api/sandbox/contacts/:phone/messages',
      200,
      {
        text: INBOUND_TEXT,
        pushName: 'Budi',
      },
    );
    await waitUntil(
      async () =>
        (
          await call(
            'get',
            `/api/sessions/default/messages?direction=in&chat=${CONTACT}`,
            '/api/sessions/:session/messages',
            200,
          )
        ).body.items?.length,
      { what: 'the contact message to be stored' },
    );
    await call('post', '/api/whatsapp/send', '/api/whatsapp/send', 200, {
      to: CONTACT,
      message: OUTBOUND_TEXT,
    });
    // The network drops the connection: the gateway says why and when it tries again, then connects again.
    await call(
      'post',
      '/api/sandbox/sessions/default/disconnect',
      '/api/sandbox/sessions/:session/disconnect',
      200,
    );
    await waitUntil(
      () => parsed().filter((l) => l.session === 'default' && /^connected as/.test(l.msg)).length === 2,
      {
        what: 'the session to connect again',
      },
    );
    await call('post', '/api/sessions/default/logout', '/api/sessions/:id/logout', 200);
    await waitUntil(() => parsed().some((l) => l.session === 'default' && /^logged out/.test(l.msg)), {
      what: 'the logged out line',
    });
    gw.child.kill('SIGTERM');
    await gw.exited;

    // Every line of stdout is a JSON object with a level, a time and a message.
    const lines = parsed();
    for (const line of lines) {
      expect(typeof line.level).toBe('string');
      expect(typeof line.time).toBe('string');
      expect(typeof line.msg).toBe('string');
    }

    // The session's story, in order.
    const story = lines.filter((l) => l.context === 'SessionManager' && l.session === 'default');
    const expected: [string, RegExp][] = [
      ['info', /^QR ready/],
      ['info', /^restart required after linking \(515\)/],
      ['info', /^linked to 62800\*\*\*\*0001$/],
      ['info', /^connected as 62800\*\*\*\*0001$/],
      ['warn', /^disconnected: .+ \(transient, code \d+\)$/],
      ['info', /^reconnect scheduled in [\d.]+ s$/],
      ['info', /^connected as 62800\*\*\*\*0001$/],
      ['info', /^stopped/],
      ['info', /^logged out: Logged out$/],
    ];
    let at = -1;
    for (const [level, pattern] of expected) {
      const index = story.findIndex((l, i) => i > at && pattern.test(l.msg));
      if (index < 0)
        throw new Error(`no line ${pattern} after line ${at} in:\n${story.map((l) => l.msg).join('\n')}`);
      expect(story[index].level).toBe(level);
      at = index;
    }
    // A reconnect is not a new link.
    expect(story.filter((l) => /^linked to/.test(l.msg))).toHaveLength(1);
    // 515 right after the scan is the normal restart, never an error or a warning about it.
    expect(lines.filter((l) => /515/.test(l.msg)).every((l) => l.level === 'info')).toBe(true);

    // One access line per request made, with its route pattern (never the path's values nor the query).
    for (const r of made) {
      const access = lines.filter((l) => l.context === 'HTTP' && l.requestId === r.id);
      expect(access).toHaveLength(1);
      expect(access[0]).toMatchObject({ level: 'info', method: r.method, route: r.route, status: r.status });
      expect(typeof access[0].durationMs).toBe('number');
      expect(JSON.stringify(access[0])).not.toContain('?');
    }

    // No phone number unmasked, no message text, anywhere.
    const all = gw.lines.join('\n');
    for (const secret of [SESSION_PHONE, CONTACT, INBOUND_TEXT, OUTBOUND_TEXT, 'Budi']) {
      expect(all).not.toContain(secret);
    }
    // Nest's route mapping stays out of the default level.
    expect(lines.some((l) => l.context === 'RouterExplorer' || l.context === 'RoutesResolver')).toBe(false);
  });
});
