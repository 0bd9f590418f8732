import { request as httpRequest } from 'node:http';
import { request } from 'undici';
import { SessionLocation, SessionOwners } from '../../src/cluster/session-owners';
import { closedPort } from '../support/closed-port';
import { RecordingServer, startRecordingServer } from '../support/recording-server';
import { SandboxApp, startSandboxApp } from '../support/sandbox-app';
import { startTestApp, TEST_API_KEY, TestApp } from '../support/test-app';
import { waitUntil } from '../support/wait';

/** The cluster's answer to "who owns this session", as the test sets it (the lease table is another component). */
class ChosenOwners extends SessionOwners {
  readonly nodeId = 'node-a';
  readonly where = new Map<string, SessionLocation>();
  locate(sessionId: string): Promise<SessionLocation> {
    return Promise.resolve(this.where.get(sessionId) ?? { kind: 'local' });
  }
  ownerOf(sessionId: string): string | null {
    const where = this.where.get(sessionId);
    return where?.kind === 'remote' ? where.node : null;
  }
}

/** One call to the entry node, answer read whole: what a caller sees, byte for byte. */
async function call(
  url: string,
  method: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const res = await request(url, {
    method: method as 'GET',
    headers: { 'x-api-key': TEST_API_KEY, ...headers },
    body,
  });
  return { status: res.statusCode, headers: res.headers, body: await res.body.text() };
}

describe('forwarding a live call to the node that owns the session', () => {
  const owners = new ChosenOwners();
  let entry: TestApp;
  let owner: RecordingServer;

  beforeAll(async () => {
    owner = await startRecordingServer();
    // The entry node's own sessions stay offline: nothing here needs WhatsApp.
    entry = await startTestApp(
      { WA_WEBSOCKET_URL: `ws://127.0.0.1:${await closedPort()}/ws/chat`, CLUSTER_PLACEMENT_MS: '2000' },
      undefined,
      { sessionOwners: owners },
    );
  });
  afterAll(async () => {
    await entry.close();
    await owner.close();
  });
  beforeEach(() => {
    owners.where.clear();
    owners.where.set('s1', { kind: 'remote', node: 'node-b', url: owner.url });
    owner.requests.length = 0;
    owner.arrived = 0;
  });

  it("sends GET qr to the owner as the caller sent it, and returns the owner's answer unchanged", async () => {
    const answer = '{"qr":"2@abc,def",  "expiresInMs": 20000}';
    owner.answer = (_req, res) =>
      res
        .writeHead(200, {
          'Content-Type': 'application/json; charset=utf-8',
          'Retry-After': '7',
          'X-Owner': 'b',
        })
        .end(answer);
    const res = await call(`${entry.url}/api/sessions/s1/qr?format=raw&x=%20y`, 'GET', {
      'X-Request-Id': 'req-forward-1',
    });
    expect(owner.requests).toHaveLength(1);
    const got = owner.requests[0];
    expect(got.method).toBe('GET');
    expect(got.url).toBe('/api/sessions/s1/qr?format=raw&x=%20y');
    expect(got.headers['x-api-key']).toBe(TEST_API_KEY);
    expect(got.headers['x-gateway-forwarded-by']).toBe('node-a');
    expect(got.headers['x-request-id']).toBe('req-forward-1');
    expect(got.headers.host).toBe(new URL(owner.url).host);
    expect(got.body.length).toBe(0);

    expect(res.status).toBe(200);
    expect(res.body).toBe(answer);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['retry-after']).toBe('7');
    expect(res.headers['x-owner']).toBe('b');
    expect(res.headers['x-request-id']).toBe('req-forward-1');
  });

  it('streams a POST body to the owner byte for byte (bearer key included) and returns its error as is', async () => {
    const body = '{"reason": "bye",\n  "note": "é ünïcode"}';
    const answer = '{"error":"Not linked","details":"The session \\"s1\\" is not linked"}';
    owner.answer = (_req, res) =>
      res.writeHead(409, { 'Content-Type': 'application/json; charset=utf-8' }).end(answer);
    const res = await call(
      `${entry.url}/api/sessions/s1/logout`,
      'POST',
      { 'x-api-key': '', authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' },
      body,
    );
    expect(owner.requests).toHaveLength(1);
    const got = owner.requests[0];
    expect(got.method).toBe('POST');
    expect(got.url).toBe('/api/sessions/s1/logout');
    expect(got.body.toString('utf8')).toBe(body);
    expect(got.headers['content-length']).toBe(String(Buffer.byteLength(body)));
    expect(got.headers.authorization).toBe(`Bearer ${TEST_API_KEY}`);
    expect(res.status).toBe(409);
    expect(res.body).toBe(answer);
  });

  it('streams a chunked body (an edit) to the owner while the caller is still sending it', async () => {
    owner.answer = (req, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end(req.body);
    const status = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(
        `${entry.url}/api/sessions/s1/messages/msg_1`,
        {
          method: 'PATCH',
          headers: {
            'x-api-key': TEST_API_KEY,
            'content-type': 'application/json',
            'transfer-encoding': 'chunked',
          },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        },
      );
      req.on('error', reject);
      req.write('{"text": "new ');
      // The owner has the request before the caller has sent all of it: nothing waits for the whole body.
      waitUntil(() => owner.arrived === 1, { what: 'the request to reach the owner' }).then(
        () => req.end('text"}'),
        reject,
      );
    });
    expect(owner.requests[0].method).toBe('PATCH');
    expect(owner.requests[0].headers['transfer-encoding']).toBe('chunked');
    expect(owner.requests[0].headers['content-length']).toBeUndefined();
    expect(owner.requests[0].body.toString()).toBe('{"text": "new text"}');
    expect(status).toEqual({ status: 200, body: '{"text": "new text"}' });
  });

  it('serves the routes any node can answer from the database here, even for a session owned elsewhere', async () => {
    owners.where.set('default', { kind: 'remote', node: 'node-b', url: owner.url });
    for (const path of ['', '/messages', '/chats', '/contacts']) {
      const res = await call(`${entry.url}/api/sessions/default${path}`, 'GET');
      expect([path, res.status]).toEqual([path, 200]);
    }
    const send = await call(
      `${entry.url}/api/sessions/default/messages`,
      'POST',
      { 'content-type': 'application/json' },
      JSON.stringify({ type: 'text', to: '6281234567890', text: 'accepted by any node' }),
    );
    expect(send.status).toBe(202);
    expect(JSON.parse(send.body).status).toBe('queued');
    expect(owner.requests).toHaveLength(0);
  });

  it('forwards nothing without a valid key: this node answers 401', async () => {
    const res = await call(`${entry.url}/api/sessions/s1/logout`, 'POST', { 'x-api-key': 'wrong' });
    expect(res.status).toBe(401);
    expect(owner.requests).toHaveLength(0);
  });

  it('never forwards a forwarded request again (503), and serves it when this node is the owner', async () => {
    const res = await call(`${entry.url}/api/sessions/s1/qr`, 'GET', { 'X-Gateway-Forwarded-By': 'node-c' });
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('2');
    expect(JSON.parse(res.body)).toEqual({
      error: 'Session is being moved',
      details: expect.stringContaining('node-c'),
    });
    expect(owner.requests).toHaveLength(0);

    // Owned here: the request is served like any other (an unknown session is a plain 404).
    const local = await call(`${entry.url}/api/sessions/nosuch/logout`, 'POST', {
      'X-Gateway-Forwarded-By': 'node-c',
    });
    expect(local.status).toBe(404);
    expect(owner.requests).toHaveLength(0);
  });

  it('answers 503 with Retry-After while no node serves the session', async () => {
    owners.where.set('s1', { kind: 'none' });
    const res = await call(`${entry.url}/api/sessions/s1/restart`, 'POST');
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('2');
    expect(JSON.parse(res.body)).toEqual({ error: 'Session is being moved', details: expect.any(String) });
  });

  it('answers 503 with Retry-After when the owner cannot be reached', async () => {
    owners.where.set('s1', {
      kind: 'remote',
      node: 'node-gone',
      url: `http://127.0.0.1:${await closedPort()}`,
    });
    const res = await call(`${entry.url}/api/sessions/s1/qr`, 'GET');
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('2');
    const body = JSON.parse(res.body);
    expect(body.error).toBe('Session is being moved');
    expect(body.details).toContain('node-gone');
  });
});

describe('forwarding to a real gateway that owns the session', () => {
  const owners = new ChosenOwners();
  let entry: TestApp;
  let owner: SandboxApp;

  beforeAll(async () => {
    owner = await startSandboxApp({}, { link: false });
    entry = await startTestApp(
      { WA_WEBSOCKET_URL: `ws://127.0.0.1:${await closedPort()}/ws/chat` },
      undefined,
      { sessionOwners: owners },
    );
    owners.where.set('default', { kind: 'remote', node: 'node-b', url: owner.url });
  });
  afterAll(async () => {
    await entry.close();
    await owner.close();
  });

  it("links, reads and unlinks the owner's session through another node", async () => {
    const qr = await call(`${entry.url}/api/sessions/default/qr`, 'GET');
    expect(qr.status).toBe(200);
    expect(JSON.parse(qr.body).qr).toContain('#2@');

    await owner.link('default');
    // The entry node's own copy of `default` is offline: "connected" can only be the owner's answer.
    const status = await call(`${entry.url}/api/whatsapp/status`, 'GET');
    expect(JSON.parse(status.body)).toMatchObject({ status: 'connected', connected: true });

    const logout = await call(`${entry.url}/api/sessions/default/logout`, 'POST');
    expect(logout.status).toBe(200);
    expect(JSON.parse(logout.body).status).toBe('logged_out');
    const after = await owner.get('/api/sessions/default');
    expect(after.body.status).toBe('logged_out');
  });
});
