import { ConsoleLogger } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import type { Server } from 'node:http';
import * as net from 'node:net';
import { ConfigError, loadConfig } from '../../src/config/load-config';
import { RouteAuthTable } from '../../src/common/auth/route-auth-table';
import { MAX_JSON_DEPTH } from '../../src/common/http/body-parsing';
import { KEYLESS_BODY_LIMIT_BYTES } from '../../src/common/http/request-bodies';
import { startTestApp, TestApp, TEST_API_KEY } from '../support/test-app';

const MiB = 1024 * 1024;
/** What the server may read of a 20 MiB body it refuses: the head and what sat in buffers (about 100 KiB). */
const READ_AT_MOST = 2 * MiB;
const DEADLINE_MS = 15_000;

interface RawExchange {
  /** What the client received (status line, headers, body). */
  response: string;
  /** Bytes the server read from the connection, counted by Node when it closed. */
  serverBytesRead: number;
}

/**
 * Sends `POST path` with a declared body of `bodyBytes` over a raw socket, writing it in 64 KiB pieces only
 * while the connection stays open and no answer has come, and reports what the server read.
 */
async function postLargeBody(
  t: TestApp,
  path: string,
  bodyBytes: number,
  headers: Record<string, string> = {},
): Promise<RawExchange> {
  const server = t.app.getHttpServer() as Server;
  const serverRead = new Promise<number>((resolve) =>
    server.once('connection', (s: net.Socket) => s.once('close', () => resolve(s.bytesRead))),
  );
  const socket = net.connect(Number(new URL(t.url).port), '127.0.0.1');
  let response = '';
  let closed = false;
  socket.on('data', (d: Buffer) => (response += d.toString('latin1')));
  socket.on('error', () => undefined); // the server may close while the body is still being written
  const clientClosed = new Promise<void>((resolve) =>
    socket.once('close', () => {
      closed = true;
      resolve();
    }),
  );
  const deadline = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`no answer within ${DEADLINE_MS} ms`)), DEADLINE_MS).unref(),
  );
  await new Promise((resolve) => socket.once('connect', resolve));
  const head = Object.entries({ 'Content-Type': 'application/json', ...headers })
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  socket.write(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${head}Content-Length: ${bodyBytes}\r\n\r\n`);
  const piece = Buffer.alloc(64 * 1024, 0x61);
  let sent = 0;
  while (sent < bodyBytes && !closed && !response) {
    const n = Math.min(piece.length, bodyBytes - sent);
    sent += n;
    if (!socket.write(n === piece.length ? piece : piece.subarray(0, n))) {
      await Promise.race([new Promise((resolve) => socket.once('drain', resolve)), clientClosed, deadline]);
    }
  }
  await Promise.race([clientClosed, deadline]);
  return { response, serverBytesRead: await Promise.race([serverRead, deadline]) };
}

/** Sends a raw HTTP request (head and body as given); resolves with the answer once the server closes. */
async function rawRequest(t: TestApp, text: string | Buffer): Promise<string> {
  const socket = net.connect(Number(new URL(t.url).port), '127.0.0.1');
  let response = '';
  socket.on('data', (d: Buffer) => (response += d.toString('latin1')));
  socket.on('error', () => undefined);
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write(text);
  await Promise.race([
    new Promise((resolve) => socket.once('close', resolve)),
    new Promise((_, reject) =>
      setTimeout(() => reject(new Error(`no close within ${DEADLINE_MS} ms`)), DEADLINE_MS).unref(),
    ),
  ]);
  socket.destroy();
  return response;
}

function statusOf(response: string): number {
  return Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1]);
}

function bodyOf(response: string): any {
  return JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4));
}

describe('request bodies are read only once the caller may send them', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ THROTTLE_LIMIT: '1000' });
  });
  afterAll(() => t.close());

  it('answers 401 to a 20 MB body without a key, without reading it, and closes the connection', async () => {
    const { response, serverBytesRead } = await postLargeBody(t, '/api/sessions/default/messages', 20 * MiB);
    expect(statusOf(response)).toBe(401);
    expect(response).toMatch(/\r\nconnection: close\r\n/i);
    expect(bodyOf(response)).toEqual({
      error: 'Unauthorized',
      details: expect.stringContaining('Missing API key'),
    });
    expect(serverBytesRead).toBeLessThan(READ_AT_MOST);
  });

  it('does the same for a wrong key, and for the inbound webhook without its secret', async () => {
    const wrong = await postLargeBody(t, '/api/sessions/default/messages', 20 * MiB, {
      'X-API-Key': 'not-the-key-not-the-key',
    });
    expect(statusOf(wrong.response)).toBe(401);
    expect(bodyOf(wrong.response).details).toBe('Invalid API key');
    expect(wrong.serverBytesRead).toBeLessThan(READ_AT_MOST);

    const inbound = await postLargeBody(t, '/api/webhook', 20 * MiB);
    expect(statusOf(inbound.response)).toBe(401);
    expect(bodyOf(inbound.response).details).toMatch(/API key/);
    expect(inbound.serverBytesRead).toBeLessThan(READ_AT_MOST);
  });

  it('refuses a declared body over the limit with 413 before reading it, key or not', async () => {
    const withKey = await postLargeBody(t, '/api/webhook', 20 * MiB, { 'X-API-Key': TEST_API_KEY });
    expect(statusOf(withKey.response)).toBe(413);
    expect(bodyOf(withKey.response).details).toContain(String(t.config.BODY_LIMIT_BYTES));
    expect(withKey.serverBytesRead).toBeLessThan(READ_AT_MOST);

    // Public routes take a few KB at most from a caller without the key.
    const keyless = await postLargeBody(t, '/health', KEYLESS_BODY_LIMIT_BYTES + 1);
    expect(statusOf(keyless.response)).toBe(413);
    expect(bodyOf(keyless.response).details).toContain(String(KEYLESS_BODY_LIMIT_BYTES));
  });

  it('asks a caller without the key for a Content-Length on public routes', async () => {
    const response = await rawRequest(
      t,
      'POST /health HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' +
        'Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n',
    );
    expect(statusOf(response)).toBe(411);
    expect(bodyOf(response).error).toBe('Length required');
  });

  it("knows each route's rule the way Express matches it", () => {
    const routes = t.app.get(RouteAuthTable);
    expect(routes.keylessAccess('GET', '/health')).toBe('public');
    expect(routes.keylessAccess('HEAD', '/health/')).toBe('public');
    expect(routes.keylessAccess('POST', '/api/sessions/default/messages')).toBe('key');
    expect(routes.keylessAccess('POST', '/API/Sessions/x/messages/')).toBe('key');
    expect(routes.keylessAccess('PATCH', '/api/webhook-endpoints/we_1')).toBe('key');
    // Without INBOUND_WEBHOOK_SECRET the inbound webhook needs the key like any other route.
    expect(routes.keylessAccess('POST', '/api/webhook')).toBe('key');
    expect(routes.keylessAccess('GET', '/api/webhook/inbound')).toBe('key');
    // No route: the console's files, the docs, a 404.
    expect(routes.keylessAccess('GET', '/js/app.js')).toBe('public');
    expect(routes.keylessAccess('POST', '/api/nope')).toBe('public');
  });

  it('still serves public routes, the console and the docs without a key', async () => {
    await t.http().get('/health').expect(200);
    await t.http().get('/').expect(200);
    await t.http().get('/docs-json').expect(200);
  });
});

describe('refused callers still count against the rate limit', () => {
  it('answers 429 once keyless requests reach THROTTLE_LIMIT', async () => {
    const t = await startTestApp({ THROTTLE_LIMIT: '3' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        statuses.push(
          (await t.http().post('/api/sessions/default/messages').send({ to: '1', text: 'x' })).status,
        );
      }
      expect(statuses).toEqual([401, 401, 401, 429]);
    } finally {
      await t.close();
    }
  });
});

describe('a signed inbound webhook without the key', () => {
  it('may send a body up to BODY_LIMIT_BYTES for its signature to be checked', async () => {
    const secret = 'inbound-shared-secret-0123456789';
    const t = await startTestApp({ INBOUND_WEBHOOK_SECRET: secret });
    try {
      const raw = JSON.stringify({ from: '6281234567890', message: 'm'.repeat(20_000) });
      expect(raw.length).toBeGreaterThan(KEYLESS_BODY_LIMIT_BYTES);
      expect(t.app.get(RouteAuthTable).keylessAccess('POST', '/api/webhook')).toBe('body');
      const signature = 'sha256=' + createHmac('sha256', secret).update(raw).digest('hex');
      await t
        .http()
        .post('/api/webhook')
        .set('Content-Type', 'application/json')
        .set('X-Hub-Signature-256', signature)
        .send(raw)
        .expect(200);
      await t
        .http()
        .post('/api/webhook')
        .set('Content-Type', 'application/json')
        .set('X-Hub-Signature-256', 'sha256=' + '0'.repeat(64))
        .send(raw)
        .expect(401);
    } finally {
      await t.close();
    }
  });
});

describe('JSON that cannot be stored or walked as sent', () => {
  let t: TestApp;
  const send = (body: string) =>
    t
      .http()
      .post('/api/sessions/default/messages')
      .set('X-API-Key', TEST_API_KEY)
      .set('Content-Type', 'application/json')
      .send(body);
  beforeAll(async () => {
    t = await startTestApp({ THROTTLE_LIMIT: '1000' });
  });
  afterAll(() => t.close());

  it(`answers 400 to JSON nested 5,000 levels deep (limit ${MAX_JSON_DEPTH}) and logs no error`, async () => {
    const errors = jest.spyOn(ConsoleLogger.prototype, 'error');
    try {
      const deep = '{"to":"6281234567890","text":"x","extra":' + '['.repeat(5000) + ']'.repeat(5000) + '}';
      const res = await send(deep).expect(400);
      expect(res.body).toEqual({
        error: 'Malformed JSON',
        details: `The request body nests objects and arrays more than ${MAX_JSON_DEPTH} levels deep`,
      });
      const objects = '{"a":'.repeat(5000) + '1' + '}'.repeat(5000);
      await send(objects).expect(400);
      expect(errors).not.toHaveBeenCalled();
    } finally {
      errors.mockRestore();
    }
  });

  it('refuses texts with an unpaired surrogate or NUL, naming the field', async () => {
    const lone = await send(JSON.stringify({ to: '6281234567890', text: 'broken \uD83D half' })).expect(400);
    expect(lone.body).toEqual({
      error: 'Invalid text',
      details: expect.stringMatching(/^text contains an unpaired surrogate/),
    });
    const nul = await send(JSON.stringify({ to: '6281234567890', caption: 'a\u0000b' })).expect(400);
    expect(nul.body.details).toMatch(/^caption contains a NUL character/);
  });

  it('refuses a body that is not valid UTF-8', async () => {
    const body = Buffer.concat([
      Buffer.from('{"to":"6281234567890","text":"'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('"}'),
    ]);
    const head =
      `POST /api/sessions/default/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-Key: ${TEST_API_KEY}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`;
    const response = await rawRequest(t, Buffer.concat([Buffer.from(head), body]));
    expect(statusOf(response)).toBe(400);
    expect(bodyOf(response)).toEqual({
      error: 'Malformed JSON',
      details: 'The request body is not valid UTF-8',
    });
  });
});

describe('errors never echo what the client sent unbounded', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ THROTTLE_LIMIT: '1000' });
  });
  afterAll(() => t.close());

  it('names short, plain unknown properties and counts the others', async () => {
    const long = 'p'.repeat(5000);
    const res = await t
      .http()
      .post('/api/webhook-endpoints')
      .set('X-API-Key', TEST_API_KEY)
      .send({ url: 'https://example.com/hook', colour: 'red', [long]: 1, '<img src=x onerror=alert(1)>': 2 })
      .expect(400);
    expect(res.body.error).toBe('Validation failed');
    expect(res.body.details).toContain('property colour should not exist');
    expect(res.body.details).toContain('2 unknown properties (names not shown) should not exist');
    expect(res.body.details).not.toContain('pppppppp');
    expect(res.body.details).not.toContain('<img');
  });

  it('repeats a plain path in a 404 (never the query string), and hides long or unusual ones', async () => {
    const plain = await t
      .http()
      .get('/api/nope?phone=6281234567890')
      .set('X-API-Key', TEST_API_KEY)
      .expect(404);
    expect(plain.body).toEqual({ error: 'Not Found', details: 'No route for GET /api/nope' });
    const long = await t
      .http()
      .get(`/api/${'z'.repeat(3000)}`)
      .set('X-API-Key', TEST_API_KEY)
      .expect(404);
    expect(long.body).toEqual({ error: 'Not Found', details: 'No route for GET (path not shown)' });
    const odd = await t.http().get('/api/%3Cscript%3E').set('X-API-Key', TEST_API_KEY).expect(404);
    expect(odd.body.details).toBe('No route for GET (path not shown)');
  });

  it('repeats an id in a 404 only when it is short and plain', async () => {
    const plain = await t
      .http()
      .get('/api/webhook-endpoints/we_missing')
      .set('X-API-Key', TEST_API_KEY)
      .expect(404);
    expect(plain.body.details).toContain('"we_missing"');
    const odd = await t
      .http()
      .get(`/api/webhook-endpoints/${encodeURIComponent('<b>' + 'q'.repeat(70))}`)
      .set('X-API-Key', TEST_API_KEY)
      .expect(404);
    expect(odd.body.details).not.toContain('<b>');
    expect(odd.body.details).not.toContain('qqqq');
  });
});

describe('TRUST_PROXY and the HTTP rate limit', () => {
  const hits = async (env: Record<string, string>) => {
    const t = await startTestApp({ THROTTLE_LIMIT: '2', ...env });
    try {
      const from = (address: string) =>
        t.http().get('/api/info').set('X-API-Key', TEST_API_KEY).set('X-Forwarded-For', address);
      const a = [
        (await from('203.0.113.1')).status,
        (await from('203.0.113.1')).status,
        (await from('203.0.113.1')).status,
      ];
      const b = (await from('203.0.113.2')).status;
      return { a, b };
    } finally {
      await t.close();
    }
  };

  it('counts each forwarded client separately behind a trusted proxy', async () => {
    expect(await hits({ TRUST_PROXY: 'loopback' })).toEqual({ a: [200, 200, 429], b: 200 });
  });

  it('ignores X-Forwarded-For by default (anyone could send it)', async () => {
    expect(await hits({})).toEqual({ a: [200, 200, 429], b: 429 });
  });

  it('refuses a TRUST_PROXY that is not a boolean, a hop count or addresses', () => {
    expect(() => loadConfig({ TRUST_PROXY: 'sometimes' }, '/nonexistent')).toThrow(ConfigError);
    expect(() => loadConfig({ TRUST_PROXY: '10.0.0.0/8,not-an-ip' }, '/nonexistent')).toThrow(/TRUST_PROXY/);
    expect(loadConfig({ TRUST_PROXY: '2' }, '/nonexistent').TRUST_PROXY).toBe('2');
  });
});
