import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startSandboxApp, SandboxApp } from '../support/sandbox-app';
import { startTestApp } from '../support/test-app';
import { collectErrors, enterKey, launchBrowser, screenshot } from './browser';

const WAIT = { timeout: 20_000 };
const ITEM = '[data-testid="inspector-item"]';

describe('web console: the webhook inspector card (headless Chromium, sandbox with its own defaults)', () => {
  let t: SandboxApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    // No WEBHOOK_ALLOW_PRIVATE_NETWORKS: the sandbox's defaults must let the inspector's URL be registered.
    [t, browser] = await Promise.all([
      startSandboxApp({ WEBHOOK_RETRY_SCHEDULE: '0', WEBHOOK_POLL_INTERVAL_MS: '100' }),
      launchBrowser(),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });
  beforeEach(async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    page = await context.newPage();
    errors = collectErrors(page);
  });
  afterEach(async () => {
    await context.close();
    expect(errors).toEqual([]);
  });

  it('registers the inspector as an endpoint and shows each delivery: time, type, signature, headers, body', async () => {
    await page.goto(t.url + '/');
    await enterKey(page, t.apiKey);
    await page.waitForSelector('[data-testid="inspector-card"]', WAIT);
    expect(await page.textContent('[data-testid="inspector-url"]')).toBe(
      `${t.url}/api/sandbox/webhook-inspector/console`,
    );
    expect(await page.isVisible('text=Nothing received yet.')).toBe(true);

    await page.click('[data-testid="inspector-add"]');
    await page.waitForSelector('[data-testid="inspector-registered"]:not([hidden])', WAIT);
    const endpoints = (await t.get('/api/webhook-endpoints').expect(200)).body;
    expect(endpoints).toEqual([
      expect.objectContaining({ url: `${t.url}/api/sandbox/webhook-inspector/console`, events: ['*'] }),
    ]);
    expect(await page.textContent('[data-testid="inspector-registered"]')).toContain(endpoints[0].id);
    expect(await page.isVisible('[data-testid="inspector-add"]')).toBe(false);
    // The webhooks card lists the new endpoint too.
    await page.waitForSelector(`#webhook-list code:text-is("${endpoints[0].url}")`, WAIT);

    await t.post('/api/sandbox/contacts/6281100000601/messages', {
      text: 'Halo dari kontak',
      pushName: 'Dewi',
    });
    const received = `${ITEM}:has(pre:text("Halo dari kontak"))`;
    await page.waitForSelector(received, { ...WAIT, state: 'attached' });
    expect(await page.textContent(`${received} strong`)).toBe('message.received');
    expect(await page.textContent(`${received} [data-testid="inspector-signature"]`)).toBe(
      '✓ Signature valid',
    );
    expect(await page.textContent(`${received} time`)).toMatch(/^\d\d:\d\d:\d\d$/);

    // A request no endpoint secret signed is marked invalid.
    await t
      .http()
      .post('/api/sandbox/webhook-inspector/console')
      .set('webhook-id', 'evt_forged')
      .set('webhook-timestamp', String(Math.floor(Date.now() / 1000)))
      .set('webhook-signature', 'v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=')
      .send({ id: 'evt_forged', type: 'message.received', data: { text: 'forged' } })
      .expect(200);
    const forged = `${ITEM}:has(pre:text("evt_forged"))`;
    await page.waitForSelector(forged, { ...WAIT, state: 'attached' });
    expect(await page.textContent(`${forged} [data-testid="inspector-signature"]`)).toBe(
      '✗ Signature invalid',
    );

    await page.click(`${received} summary:has-text("Headers")`);
    await page.click(`${received} summary:has-text("Body")`);
    const headers = await page.textContent(`${received} details:first-of-type pre`);
    expect(headers).toMatch(/^webhook-id: evt_/m);
    expect(headers).toMatch(/^webhook-signature: v1,/m);
    const body = await page.textContent(`${received} details:nth-of-type(2) pre`);
    expect(body).toContain('  "type": "message.received"');
    expect(body).toContain('"text": "Halo dari kontak"');
    await screenshot(page, '13-webhook-inspector');

    await page.click('[data-testid="lang-toggle"]');
    await page.waitForSelector('#inspector-title:text-is("Inspektur webhook")', WAIT);
    expect(await page.textContent(`${received} [data-testid="inspector-signature"]`)).toBe(
      '✓ Tanda tangan valid',
    );
    // The sections opened stay open across the re-render.
    expect(await page.isVisible(`${received} details:nth-of-type(2) pre`)).toBe(true);
    await page.locator('#inspector-title').scrollIntoViewIfNeeded();
    await screenshot(page, '14-webhook-inspector-id', false);
  });
});

describe('web console without the sandbox', () => {
  it('shows no webhook inspector', async () => {
    const [t, browser] = await Promise.all([startTestApp(), launchBrowser()]);
    try {
      const page = await browser.newPage();
      const errors = collectErrors(page);
      await page.goto(t.url + '/');
      await enterKey(page, t.apiKey);
      await page.waitForSelector('#live-state[data-state="connected"]', WAIT);
      await page.waitForLoadState('networkidle');
      expect(await page.$('[data-testid="inspector-card"]')).toBeNull();
      // Without a sandbox the session tries the real WhatsApp, which this machine cannot reach: the QR route
      // rightly answers 503 "Cannot reach WhatsApp", which the browser logs. Anything else is a defect.
      expect(errors.filter((e) => !e.includes('status of 503 (Service Unavailable)'))).toEqual([]);
    } finally {
      await browser.close();
      await t.close();
    }
  });
});
