import { startTestApp, TestApp } from '../support/test-app';

/** Medium tests of the rules API on the real app and a real SQLite file: CRUD, validation, dry run, restarts. */

function expectErrorShape(body: any) {
  expect(Object.keys(body).sort()).toEqual(['details', 'error']);
  expect(typeof body.error).toBe('string');
}

const SECRET = 'zq-SECRET-marker-91';

describe('auto-reply rules API', () => {
  let t: TestApp;
  const api = () => ({
    get: (path: string) => t.http().get(path).set('X-API-Key', t.apiKey),
    post: (path: string, body: object) => t.http().post(path).set('X-API-Key', t.apiKey).send(body),
    patch: (path: string, body: object) => t.http().patch(path).set('X-API-Key', t.apiKey).send(body),
    delete: (path: string) => t.http().delete(path).set('X-API-Key', t.apiKey),
  });
  const dryRun = (body: object) => api().post('/api/auto-reply-rules/test', body).expect(200);

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t?.close());

  it('has the seed rule out of the box: "ping" (exact, case-insensitive) -> "pong" on every session', async () => {
    const res = await api().get('/api/auto-reply-rules').expect(200);
    expect(res.body).toEqual([
      expect.objectContaining({
        id: 'rule_default_ping',
        match: 'exact',
        pattern: 'ping',
        caseSensitive: false,
        reply: 'pong',
        sessions: ['*'],
        enabled: true,
      }),
    ]);
    expect((await dryRun({ text: 'ping' })).body).toMatchObject({
      matched: true,
      rule: { id: 'rule_default_ping' },
      reply: 'pong',
    });
    expect((await dryRun({ text: 'PING', session: 'shop' })).body).toMatchObject({
      matched: true,
      reply: 'pong',
    });
    expect((await dryRun({ text: 'ping me' })).body).toEqual({ matched: false, rule: null, reply: null });
  });

  it('needs the API key', async () => {
    const res = await t.http().get('/api/auto-reply-rules').expect(401);
    expectErrorShape(res.body);
    await t.http().post('/api/auto-reply-rules/test').send({ text: 'ping' }).expect(401);
  });

  it('creates, reads, updates and deletes a rule; the dry run follows every change', async () => {
    const created = await api()
      .post('/api/auto-reply-rules', {
        name: 'Greeting',
        match: 'regex',
        pattern: '^(hi|hello)\\b',
        reply: 'Hello {{name}} ({{phone}}), you wrote "{{text}}" to {{session}}',
        chatTypes: ['direct', 'group'],
        priority: 10,
      })
      .expect(201);
    const id = created.body.id;
    expect(id).toMatch(/^rule_[0-9a-f]{24}$/);
    expect(created.body).toMatchObject({
      name: 'Greeting',
      caseSensitive: false,
      sessions: ['*'],
      chatTypes: ['direct', 'group'],
      priority: 10,
      enabled: true,
      cooldownSeconds: 0,
    });
    expect(new Date(created.body.createdAt).getTime()).toBeGreaterThan(0);
    await api().get(`/api/auto-reply-rules/${id}`).expect(200, created.body);

    const hello = await dryRun({
      text: 'HELLO there',
      pushName: 'Budi',
      phone: '6281234567890',
      session: 's1',
    });
    expect(hello.body).toMatchObject({
      matched: true,
      rule: { id },
      reply: 'Hello Budi (6281234567890), you wrote "HELLO there" to s1',
    });
    const noName = await dryRun({ text: 'hi', phone: '6281234567890' });
    expect(noName.body.reply).toBe('Hello 6281234567890 (6281234567890), you wrote "hi" to default');

    const patched = await api()
      .patch(`/api/auto-reply-rules/${id}`, { caseSensitive: true, sessions: ['s1'] })
      .expect(200);
    expect(patched.body).toMatchObject({ caseSensitive: true, sessions: ['s1'], name: 'Greeting' });
    expect((await dryRun({ text: 'HELLO', session: 's1' })).body.matched).toBe(false);
    expect((await dryRun({ text: 'hello', session: 'other' })).body.matched).toBe(false);
    expect((await dryRun({ text: 'hello', session: 's1' })).body.rule.id).toBe(id);

    await api().delete(`/api/auto-reply-rules/${id}`).expect(204);
    await api().get(`/api/auto-reply-rules/${id}`).expect(404);
    await api().delete(`/api/auto-reply-rules/${id}`).expect(404);
    expect((await dryRun({ text: 'hello', session: 's1' })).body.matched).toBe(false);
  });

  it('evaluates enabled rules in priority order, per chat type', async () => {
    const early = await api()
      .post('/api/auto-reply-rules', {
        name: 'early',
        match: 'contains',
        pattern: 'pin',
        reply: 'early',
        priority: 1,
      })
      .expect(201);
    expect((await dryRun({ text: 'ping' })).body.reply).toBe('early');
    // chatTypes defaults to direct only, the default ping rule's too: in a group no rule answers.
    expect((await dryRun({ text: 'ping', chatType: 'group' })).body.matched).toBe(false);
    // Scoped to a group, the ping rule answers there and in no other group.
    const group = '120363000000000001@g.us';
    await api()
      .patch('/api/auto-reply-rules/rule_default_ping', { groups: [group] })
      .expect(200);
    expect((await dryRun({ text: 'ping', group })).body.reply).toBe('pong');
    expect((await dryRun({ text: 'ping', group: '120363000000000002@g.us' })).body.matched).toBe(false);
    await api()
      .patch('/api/auto-reply-rules/rule_default_ping', { groups: ['6281234567890@s.whatsapp.net'] })
      .expect(400);
    await api().patch('/api/auto-reply-rules/rule_default_ping', { groups: [] }).expect(200);

    await api().patch(`/api/auto-reply-rules/${early.body.id}`, { enabled: false }).expect(200);
    expect((await dryRun({ text: 'ping' })).body.reply).toBe('pong');
    await api().patch(`/api/auto-reply-rules/${early.body.id}`, { enabled: true, priority: 500 }).expect(200);
    expect((await dryRun({ text: 'ping' })).body.reply).toBe('pong');
    expect((await dryRun({ text: 'pinned' })).body.reply).toBe('early');

    const list = await api().get('/api/auto-reply-rules').expect(200);
    expect(list.body.map((r: any) => r.id)).toEqual(['rule_default_ping', early.body.id]);
    await api().delete(`/api/auto-reply-rules/${early.body.id}`).expect(204);
  });

  it.each([
    [
      'an unknown placeholder',
      { reply: 'Hi {{first_name}}' },
      'Invalid reply template',
      /\{\{first_name\}\}/,
    ],
    ['an invalid regex', { match: 'regex', pattern: `(${SECRET}` }, 'Invalid pattern', /missing closing \)/],
    ['a lookahead', { match: 'regex', pattern: `${SECRET}(?=x)` }, 'Invalid pattern', /RE2 syntax/],
    [
      'a too complex regex',
      { match: 'regex', pattern: '\\pL{999}\\pL{999}' },
      'Invalid pattern',
      /too complex/,
    ],
    ['a repeat count over 1000', { match: 'regex', pattern: 'a{5000}' }, 'Invalid pattern', /repeat count/],
    ['an unknown match kind', { match: 'fuzzy' }, 'Validation failed', /match must be one of/],
    ['a blank pattern', { pattern: '   ' }, 'Validation failed', /pattern must not be blank/],
    ['an empty reply', { reply: '' }, 'Validation failed', /reply/],
    ['a null field', { enabled: null }, 'Validation failed', /enabled/],
    ['a wrong type', { priority: '5' }, 'Validation failed', /priority/],
    ['a negative cooldown', { cooldownSeconds: -1 }, 'Validation failed', /cooldownSeconds/],
    ['a broadcast chat type', { chatTypes: ['broadcast'] }, 'Validation failed', /chatTypes/],
    ['an empty session list', { sessions: [] }, 'Validation failed', /sessions/],
    ['a bad session id', { sessions: ['no spaces'] }, 'Validation failed', /sessions/],
    ['"*" with session ids', { sessions: ['*', 'default'] }, 'Validation failed', /cannot be combined/],
    ['an unknown field', { colour: 'red' }, 'Validation failed', /colour should not exist/],
  ])('refuses %s with a 400 that does not echo the body', async (_what, change, error, details) => {
    const body = { name: 'bad', match: 'exact', pattern: 'x', reply: 'y', ...change };
    const res = await api().post('/api/auto-reply-rules', body).expect(400);
    expectErrorShape(res.body);
    expect(res.body.error).toBe(error);
    expect(res.body.details).toMatch(details);
    expect(JSON.stringify(res.body)).not.toContain(SECRET);
  });

  it('refuses the same mistakes on PATCH and leaves the rule unchanged', async () => {
    const res = await api()
      .patch('/api/auto-reply-rules/rule_default_ping', { reply: 'pong {{nope}}' })
      .expect(400);
    expect(res.body.error).toBe('Invalid reply template');
    await api().patch('/api/auto-reply-rules/rule_default_ping', { pattern: null }).expect(400);
    await api()
      .patch('/api/auto-reply-rules/rule_default_ping', { match: 'regex', pattern: '(' })
      .expect(400);
    const rule = await api().get('/api/auto-reply-rules/rule_default_ping').expect(200);
    expect(rule.body).toMatchObject({ match: 'exact', pattern: 'ping', reply: 'pong' });
    await api().patch('/api/auto-reply-rules/rule_nope', { enabled: false }).expect(404);
  });

  it('validates the dry-run body', async () => {
    for (const body of [
      {},
      { text: 5 },
      { text: 'x', chatType: 'broadcast' },
      { text: 'x', phone: '+62 812' },
    ]) {
      const res = await api().post('/api/auto-reply-rules/test', body).expect(400);
      expectErrorShape(res.body);
    }
  });

  it('accepts (a+)+$ and evaluates it in linear time against a long input; the process stays responsive', async () => {
    const rule = await api()
      .post('/api/auto-reply-rules', { name: 'evil', match: 'regex', pattern: '(a+)+$', reply: 'matched' })
      .expect(201);
    const started = performance.now();
    // Another request is answered meanwhile (not /health: its heap check reads the Jest worker's heap, which
    // many earlier suites have grown).
    const [dry, info] = await Promise.all([
      dryRun({ text: 'a'.repeat(4000) + '!' }),
      api().get('/api/info').expect(200),
    ]);
    expect(dry.body.matched).toBe(false);
    expect(info.body.version).toBeDefined();
    expect((await dryRun({ text: 'a'.repeat(60_000) + '!' })).body.matched).toBe(false);
    expect((await dryRun({ text: 'baaa' })).body.reply).toBe('matched');
    // Backtracking would take ages on 60,000 characters; a linear engine is done in far less than this bound.
    expect(performance.now() - started).toBeLessThan(10_000);
    await api().delete(`/api/auto-reply-rules/${rule.body.id}`).expect(204);
  });

  it('documents every route in the OpenAPI document', async () => {
    const doc = (await t.http().get('/docs-json').expect(200)).body;
    expect(Object.keys(doc.paths['/api/auto-reply-rules']).sort()).toEqual(['get', 'post']);
    expect(Object.keys(doc.paths['/api/auto-reply-rules/{id}']).sort()).toEqual(['delete', 'get', 'patch']);
    expect(doc.paths['/api/auto-reply-rules/test'].post.responses['200']).toBeDefined();
    expect(doc.paths['/api/auto-reply-rules'].post.responses['400']).toBeDefined();
    expect(doc.components.schemas.CreateAutoReplyRuleDto.properties.match.enum).toEqual([
      'exact',
      'contains',
      'starts_with',
      'regex',
    ]);
  });
});

describe('auto-reply rules across restarts', () => {
  it('a deleted default rule stays deleted (it is seeded once, by the migration) and new rules are kept', async () => {
    const first = await startTestApp();
    const key = first.apiKey;
    try {
      await first.http().delete('/api/auto-reply-rules/rule_default_ping').set('X-API-Key', key).expect(204);
      await first
        .http()
        .post('/api/auto-reply-rules')
        .set('X-API-Key', key)
        .send({ name: 'kept', match: 'exact', pattern: 'hello', reply: 'hi', enabled: false })
        .expect(201);
    } finally {
      await first.close();
    }
    const second = await startTestApp({}, first.dir);
    try {
      const list = await second.http().get('/api/auto-reply-rules').set('X-API-Key', key).expect(200);
      expect(list.body.map((r: any) => [r.name, r.enabled])).toEqual([['kept', false]]);
      const dry = await second
        .http()
        .post('/api/auto-reply-rules/test')
        .set('X-API-Key', key)
        .send({ text: 'ping' });
      expect(dry.body).toEqual({ matched: false, rule: null, reply: null });
    } finally {
      await second.close();
    }
  });
});
