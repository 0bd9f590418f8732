import * as fs from 'node:fs';
import * as path from 'node:path';
import { startTestApp, tempDir, TestApp, TEST_API_KEY } from '../support/test-app';
import { ConfigError, loadConfig } from '../../src/config/load-config';
import { TEST_DB_ENGINE } from '../support/test-engine';

function expectErrorShape(body: any) {
  expect(typeof body.error).toBe('string');
  expect(body.details === undefined).toBe(false);
  expect(Object.keys(body).sort()).toEqual(['details', 'error']);
}

describe('foundation', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ THROTTLE_LIMIT: '1000' });
  });
  afterAll(() => t.close());

  it('GET /health is public and reports the database up on a fresh database', async () => {
    const res = await t.http().get('/health').set('X-API-Key', TEST_API_KEY).expect(200);
    expect(res.body.status).toBe('ok');
    expect(res.body.details.database.status).toBe('up');
    expect(res.headers['x-request-id']).toMatch(/.{8,}/);
    // The SQLite file exists only when SQLite is the engine.
    expect(fs.existsSync(path.join(t.dir, 'app.db'))).toBe(TEST_DB_ENGINE === 'sqlite');
  });

  it('GET /health without the key shows only the overall status and counts', async () => {
    const res = await t.http().get('/health').expect(200);
    expect(res.body).toEqual({ status: 'ok', checks: { up: expect.any(Number), down: 0 } });
    expect(res.body.checks.up).toBeGreaterThanOrEqual(2);
  });

  it('serves a valid OpenAPI 3 document with the API-key security scheme', async () => {
    const res = await t.http().get('/docs-json').expect(200);
    expect(res.body.openapi).toMatch(/^3\./);
    expect(res.body.components.securitySchemes['api-key']).toMatchObject({
      type: 'apiKey',
      in: 'header',
      name: 'X-API-Key',
    });
    expect(res.body.paths['/health']).toBeDefined();
    await t.http().get('/docs').expect(200);
  });

  it('refuses a protected route without a key and with a wrong key, accepts the right one both ways', async () => {
    const none = await t.http().get('/api/info').expect(401);
    expectErrorShape(none.body);
    const wrong = await t.http().get('/api/info').set('X-API-Key', 'wrong-key-wrong-key').expect(401);
    expect(wrong.body.details).toBe('Invalid API key');
    const ok = await t.http().get('/api/info').set('X-API-Key', TEST_API_KEY).expect(200);
    expect(ok.body.version).toMatch(/\d+\.\d+\.\d+/);
    expect(ok.body.webhookEvents).toEqual(
      expect.arrayContaining(['message.received', 'webhook.endpoint_disabled']),
    );
    // The engine, never where the database is.
    expect(ok.body.database).toBe(TEST_DB_ENGINE);
    expect(JSON.stringify(ok.body)).not.toMatch(/postgres(ql)?:\/\/|app\.db/);
    await t.http().get('/api/info').set('Authorization', `Bearer ${TEST_API_KEY}`).expect(200);
  });

  it('answers malformed JSON with 400 and never echoes the body', async () => {
    const secret = 'SECRET-BODY-CONTENT';
    const res = await t
      .http()
      .post('/api/anything')
      .set('X-API-Key', TEST_API_KEY)
      .set('Content-Type', 'application/json')
      .send(`{"a": "${secret}"`)
      .expect(400);
    expectErrorShape(res.body);
    expect(JSON.stringify(res.body)).not.toContain(secret);
  });

  it('answers an oversized body with 413', async () => {
    const big = JSON.stringify({ text: 'x'.repeat(1_100_000) });
    const res = await t
      .http()
      .post('/api/anything')
      .set('X-API-Key', TEST_API_KEY)
      .set('Content-Type', 'application/json')
      .send(big)
      .expect(413);
    expectErrorShape(res.body);
    expect(JSON.stringify(res.body)).not.toContain('xxxxxxxx');
  });

  it('answers an unknown route with 404 in the error shape', async () => {
    const res = await t.http().get('/api/nope').set('X-API-Key', TEST_API_KEY).expect(404);
    expectErrorShape(res.body);
  });
});

describe('rate limiting', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ THROTTLE_LIMIT: '5', THROTTLE_TTL_MS: '60000' });
  });
  afterAll(() => t.close());

  it('counts down in X-RateLimit-Remaining, then answers 429 with Retry-After', async () => {
    const remaining: string[] = [];
    let last: any;
    for (let i = 0; i < 6; i++) {
      last = await t.http().get('/api/info').set('X-API-Key', TEST_API_KEY);
      if (last.status === 200) remaining.push(last.headers['x-ratelimit-remaining']);
    }
    expect(remaining).toEqual(['4', '3', '2', '1', '0']);
    expect(last.status).toBe(429);
    expectErrorShape(last.body);
    expect(Number(last.headers['retry-after'])).toBeGreaterThan(0);
  });
});

describe('API key management', () => {
  it('generates a key once, stores it 0600 and keeps it across restarts', async () => {
    const dir = tempDir();
    const first = await startTestApp({ API_KEY: '' }, dir);
    await first.close();
    const file = path.join(dir, 'api-key');
    const key = fs.readFileSync(file, 'utf8').trim();
    expect(key.length).toBeGreaterThanOrEqual(32);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const second = await startTestApp({ API_KEY: '' }, dir);
    try {
      expect(fs.readFileSync(file, 'utf8').trim()).toBe(key);
      await second.http().get('/api/info').set('X-API-Key', key).expect(200);
      await second.http().get('/api/info').set('X-API-Key', 'not-the-generated-key').expect(401);
    } finally {
      await second.close();
    }
  });

  it('AUTH_DISABLED=true lets requests through without a key', async () => {
    const t = await startTestApp({ AUTH_DISABLED: 'true' });
    try {
      await t.http().get('/api/info').expect(200);
    } finally {
      await t.close();
    }
  });
});

describe('configuration', () => {
  it('refuses a bad value naming the variable', () => {
    expect(() => loadConfig({ PORT: 'eighty' }, '/nonexistent')).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty' }, '/nonexistent')).toThrow(/PORT/);
    expect(() => loadConfig({ AUTH_DISABLED: 'maybe' }, '/nonexistent')).toThrow(/AUTH_DISABLED/);
  });
});
