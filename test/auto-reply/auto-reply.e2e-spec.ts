import { startSandboxApp, SandboxApp } from '../support/sandbox-app';
import { waitUntil } from '../support/wait';

/**
 * End to end: the real app, the real Baileys client and the in-process sandbox. Simulated contacts send
 * messages to the linked `default` session; the tests read what each contact's phone received.
 *
 * "No reply" is proven with a sentinel: after the message that must stay unanswered, the contact sends "ping";
 * incoming messages are evaluated and queued in order, so once the sentinel's "pong" has arrived, a reply to the
 * earlier message would have arrived before it.
 */

/** No pacing between sends: the replies are what is under test, not the queue's spacing. */
const FAST_SENDS = { SEND_MIN_INTERVAL_MS: '0', SEND_JITTER_MS: '0' };

const api = (t: SandboxApp) => ({
  post: (path: string, body: object) => t.http().post(path).set('X-API-Key', t.apiKey).send(body),
  patch: (path: string, body: object) => t.http().patch(path).set('X-API-Key', t.apiKey).send(body),
  delete: (path: string) => t.http().delete(path).set('X-API-Key', t.apiKey),
});

function contact(t: SandboxApp, phone: string, pushName = 'Contact') {
  const texts = () => t.sandbox.received(phone).map((m) => m.text ?? m.caption ?? `[${m.kind}]`);
  return {
    phone,
    texts,
    async send(text: string) {
      const res = await t.post(`/api/sandbox/contacts/${phone}/messages`, { text, pushName });
      expect(res.status).toBe(200);
      return res.body.id as string;
    },
    /** Waits until the contact has received `count` messages in all, and returns their texts. */
    receivedCount(count: number, timeoutMs = 20_000) {
      return waitUntil(() => (texts().length >= count ? texts() : null), {
        timeoutMs,
        what: `${phone} to have received ${count} message(s)`,
      });
    },
  };
}

describe('auto-reply, end to end against the sandbox', () => {
  let t: SandboxApp;

  beforeAll(async () => {
    t = await startSandboxApp(FAST_SENDS);
  });
  afterAll(() => t?.close());

  it('answers "ping" and "PING" with "pong", not "ping me"; the reply is stored as an auto_reply of the rule', async () => {
    const c = contact(t, '6281200000001');
    await c.send('ping');
    expect(await c.receivedCount(1)).toEqual(['pong']);
    await c.send('PING');
    expect(await c.receivedCount(2)).toEqual(['pong', 'pong']);
    await c.send('ping me');
    await c.send('ping');
    expect(await c.receivedCount(3)).toEqual(['pong', 'pong', 'pong']);
    expect(c.texts()).toHaveLength(3);

    const stored = await waitUntil(async () => {
      const res = await t.get(`/api/sessions/default/messages?direction=out&chat=${c.phone}`);
      const rows = res.body.items as any[];
      return rows.length >= 3 && rows.every((m) => m.status !== 'queued') ? rows : null;
    });
    expect(stored.map((m) => [m.text, m.source, m.ruleId])).toEqual([
      ['pong', 'auto_reply', 'rule_default_ping'],
      ['pong', 'auto_reply', 'rule_default_ping'],
      ['pong', 'auto_reply', 'rule_default_ping'],
    ]);
  });

  it("fills a regex rule's template with the contact's push name", async () => {
    await api(t)
      .post('/api/auto-reply-rules', {
        name: 'Greeting',
        match: 'regex',
        pattern: '^(hi|hello)\\b',
        reply: 'Hi {{name}}, you said: {{text}}',
      })
      .expect(201);
    const c = contact(t, '6281200000002', 'Budi Santoso');
    await c.send('Hello there');
    expect(await c.receivedCount(1)).toEqual(['Hi Budi Santoso, you said: Hello there']);
  });

  it('answers two matching messages within the cooldown once', async () => {
    await api(t)
      .post('/api/auto-reply-rules', {
        name: 'Prices',
        match: 'contains',
        pattern: 'price',
        reply: 'Our price list: example.com/prices',
        cooldownSeconds: 600,
      })
      .expect(201);
    const c = contact(t, '6281200000003');
    await c.send('What is the price?');
    expect(await c.receivedCount(1)).toEqual(['Our price list: example.com/prices']);
    await c.send('price please');
    await c.send('ping');
    expect(await c.receivedCount(2)).toEqual(['Our price list: example.com/prices', 'pong']);
    // The cooldown is per chat: another contact still gets the answer.
    const other = contact(t, '6281200000004');
    await other.send('price?');
    expect(await other.receivedCount(1)).toEqual(['Our price list: example.com/prices']);
  });

  it('evaluates a catastrophic pattern such as (a+)+$ in linear time; the gateway stays responsive', async () => {
    const rule = await api(t)
      .post('/api/auto-reply-rules', { name: 'Evil', match: 'regex', pattern: '(a+)+$', reply: 'all a' })
      .expect(201);
    const c = contact(t, '6281200000005');
    const started = Date.now();
    await c.send('a'.repeat(4000) + '!');
    const health = await t.http().get('/health');
    expect(health.status).toBe(200);
    await c.send('ping');
    expect(await c.receivedCount(1)).toEqual(['pong']);
    expect(Date.now() - started).toBeLessThan(15_000);
    await api(t).delete(`/api/auto-reply-rules/${rule.body.id}`).expect(204);
  });

  it('a disabled rule does nothing', async () => {
    await api(t)
      .post('/api/auto-reply-rules', {
        name: 'Off',
        match: 'exact',
        pattern: 'status',
        reply: 'ok',
        enabled: false,
      })
      .expect(201);
    const c = contact(t, '6281200000006');
    await c.send('status');
    await c.send('ping');
    expect(await c.receivedCount(1)).toEqual(['pong']);
  });

  it('answers a "ping" fed in through the seed\'s POST /api/whatsapp/receive, as the original gateway did', async () => {
    const c = contact(t, '6281200000010');
    const res = await t.post('/api/whatsapp/receive', { from: c.phone, message: 'ping' });
    expect(res.status).toBe(200);
    expect(await c.receivedCount(1)).toEqual(['pong']);
  });

  it('does not answer an old message fed in through POST /api/whatsapp/receive (AUTO_REPLY_MAX_AGE_SECONDS)', async () => {
    const c = contact(t, '6281200000011');
    const old = await t.post('/api/whatsapp/receive', {
      from: c.phone,
      message: 'ping',
      timestamp: 1623456789,
    });
    expect(old.status).toBe(200);
    await t.post('/api/whatsapp/receive', { from: c.phone, message: 'ping' }).expect(200);
    expect(await c.receivedCount(1)).toEqual(['pong']);
    const stored = await t.get(`/api/sessions/default/messages/${old.body.id}`).expect(200);
    expect(stored.body).toMatchObject({ text: 'ping', timestamp: new Date(1623456789_000).toISOString() });
    const replies = await t.get(`/api/sessions/default/messages?chat=${c.phone}&direction=out`).expect(200);
    expect(replies.body.items.map((m: { text: string }) => m.text)).toEqual(['pong']);
  });

  it('answers a message WhatsApp delivers twice only once', async () => {
    const c = contact(t, '6281200000009');
    await t.sandbox.contactSend(c.phone, t.account, { text: 'ping' }, { id: '3EB0AUTOREPLYDUP1' });
    expect(await c.receivedCount(1)).toEqual(['pong']);
    await t.sandbox.contactSend(c.phone, t.account, { text: 'ping' }, { id: '3EB0AUTOREPLYDUP1' });
    await c.send('ping');
    expect(await c.receivedCount(2)).toEqual(['pong', 'pong']);
  });

  it('never answers our own messages sent from the phone', async () => {
    const c = contact(t, '6281200000007');
    await t.sandbox.phoneSend(t.account, c.phone, 'ping');
    await c.send('ping');
    expect(await c.receivedCount(2)).toEqual(['ping', 'pong']);
  });
});

describe('auto-reply across a restart', () => {
  it('a deleted default rule stays deleted', async () => {
    const first = await startSandboxApp(FAST_SENDS);
    const dir = first.dir;
    try {
      await api(first).delete('/api/auto-reply-rules/rule_default_ping').expect(204);
      await api(first)
        .post('/api/auto-reply-rules', {
          name: 'Sentinel',
          match: 'exact',
          pattern: 'sentinel',
          reply: 'still here',
        })
        .expect(201);
    } finally {
      await first.close();
    }
    const second = await startSandboxApp(FAST_SENDS, { dir, link: false });
    try {
      second.account = (await second.waitForStatus('default', 'connected')).phone;
      const c = contact(second, '6281200000008');
      await c.send('ping');
      await c.send('sentinel');
      expect(await c.receivedCount(1)).toEqual(['still here']);
    } finally {
      await second.close();
    }
  });
});
