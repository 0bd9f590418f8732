import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startSandboxApp, SandboxApp } from '../support/sandbox-app';
import { collectErrors, launchBrowser, screenshot } from './browser';

const WAIT = { timeout: 20_000 };

describe('web console (headless Chromium against the sandbox)', () => {
  let t: SandboxApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];

  async function enterKey(p: Page, key: string) {
    await p.fill('#key-input', key);
    await p.click('#key-submit');
  }

  async function ensureLinked() {
    const res = await t.get('/api/sessions/default');
    if (res.body.status !== 'connected') await t.link('default');
  }

  async function status(p: Page) {
    return p.getAttribute('#status', 'data-status');
  }

  beforeAll(async () => {
    [t, browser] = await Promise.all([startSandboxApp({}, { link: false }), launchBrowser()]);
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

  it('asks for the key, refuses a wrong one in plain words, then shows the QR; a simulated scan turns it green live', async () => {
    await page.goto(t.url + '/');
    await page.waitForSelector('#key-form', { state: 'visible', ...WAIT });
    await screenshot(page, '01-key-prompt');

    await enterKey(page, 'this-is-not-the-key');
    await page.waitForSelector('#key-form .form-error:not([hidden])', WAIT);
    expect(await page.textContent('#key-form .form-error')).toContain('API key was not accepted');
    await screenshot(page, '02-wrong-key');

    await enterKey(page, t.apiKey);
    await page.waitForSelector('#console', { state: 'visible', ...WAIT });
    await page.waitForSelector('#qr-img[src^="data:image/png"]', { state: 'visible', ...WAIT });
    expect(await status(page)).toBe('qr_ready');
    expect(await page.textContent('#status-text')).toBe('Waiting for QR scan');
    // The key is remembered; buttons that cannot work yet are disabled.
    expect(await page.evaluate(() => localStorage.getItem('wa-gateway.apiKey'))).toBe(t.apiKey);
    expect(await page.isDisabled('#send-btn')).toBe(true);
    expect(await page.isDisabled('#logout-btn')).toBe(true);
    expect(await page.isVisible('#sandbox-panel')).toBe(true);
    await page.waitForSelector('#live-state[data-state="connected"]', WAIT);
    await screenshot(page, '03-qr');

    await page.click('#sim-scan-btn');
    await page.waitForSelector('#status[data-status="connected"]', WAIT);
    expect(await page.textContent('#status-text')).toBe('Connected');
    expect(await page.isHidden('#qr-box')).toBe(true);
    expect(await page.isEnabled('#send-btn')).toBe(true);
    expect(await page.isEnabled('#logout-btn')).toBe(true);
    await page.waitForFunction(
      () => document.querySelector('#status-detail')?.textContent?.includes('+'),
      null,
      WAIT,
    );
    await screenshot(page, '04-connected');
  });

  it('shows API errors in plain words and switches to Bahasa Indonesia', async () => {
    await ensureLinked();
    await page.goto(t.url + '/');
    await enterKey(page, t.apiKey);
    await page.waitForSelector('#session-select option[value="default"]', { state: 'attached', ...WAIT });

    // Creating a session that already exists: the API's 409 is shown, not swallowed.
    await page.fill('#new-session-id', 'default');
    await page.click('#create-session-btn');
    await page.waitForSelector('#notice[data-kind="error"]', { state: 'visible', ...WAIT });
    const notice = (await page.textContent('#notice-text')) ?? '';
    expect(notice.length).toBeGreaterThan(5);
    expect(notice).not.toMatch(/\[object|undefined|SyntaxError/);
    expect(await page.textContent('#create-session-form .form-error')).toBe(notice);
    await screenshot(page, '05-api-error');

    await page.click('#lang-toggle');
    await page.waitForSelector('html[lang="id"]', { state: 'attached', ...WAIT });
    expect(await page.textContent('#status-text')).toBe('Terhubung');
    expect(await page.textContent('#send-title')).toBe('Test Pesan');
    expect(await page.textContent('#refresh-btn')).toBe('Refresh Status');
    await screenshot(page, '06-bahasa-indonesia');
  });

  it('sends a test message: the sandbox contact receives it and the monitor shows its ticks moving to read', async () => {
    await ensureLinked();
    await page.goto(t.url + '/');
    await enterKey(page, t.apiKey);
    await page.waitForSelector('#status[data-status="connected"]', WAIT);
    await page.waitForSelector('#live-state[data-state="connected"]', WAIT);
    const contact = '6281100000301';
    const text = `Halo dari konsol ${Date.now()}`;
    const seen: string[] = [];
    await page.exposeFunction('reportTick', (status: string) => seen.push(status));
    await page.evaluate((wanted) => {
      new MutationObserver(() => {
        for (const li of document.querySelectorAll<HTMLElement>('#monitor li[data-direction="out"]')) {
          if (li.querySelector('.msg-text')?.textContent !== wanted) continue;
          const status = li.dataset.status ?? '';
          if ((window as any).lastTick !== status)
            (window as any).reportTick(((window as any).lastTick = status));
        }
      }).observe(document.querySelector('#monitor')!, { childList: true, subtree: true, attributes: true });
    }, text);

    await page.fill('#send-to', contact);
    await page.fill('#send-text', text);
    await page.click('#send-btn');
    const item = `#monitor li[data-direction="out"][data-status="read"]:has(.msg-text:text-is("${text}"))`;
    await page.waitForSelector(item, WAIT);
    expect(await page.textContent(`${item} .msg-who`)).toBe(`To +${contact}`);
    expect(await page.getAttribute(`${item} .tick`, 'aria-label')).toBe('Read');
    // The ticks only ever move forward, and the page never had to be reloaded.
    const order = ['queued', 'sending', 'sent', 'delivered', 'read'];
    const ranks = seen.map((s) => order.indexOf(s));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(seen[seen.length - 1]).toBe('read');

    const inbox = await t.get(`/api/sandbox/contacts/${contact}/messages`);
    expect(inbox.status).toBe(200);
    expect(JSON.stringify(inbox.body)).toContain(text);
    await screenshot(page, '09-sent-read');
  });

  it("shows a contact's message live, whether sent from the console's sandbox form or from outside", async () => {
    await ensureLinked();
    await page.goto(t.url + '/');
    await enterKey(page, t.apiKey);
    await page.waitForSelector('#status[data-status="connected"]', WAIT);
    await page.waitForSelector('#live-state[data-state="connected"]', WAIT);

    const contact = '6281100000302';
    await t.post(`/api/sandbox/contacts/${contact}/messages`, {
      text: 'Pesan dari luar',
      session: 'default',
    });
    const outside = '#monitor li[data-direction="in"]:has(.msg-text:text-is("Pesan dari luar"))';
    await page.waitForSelector(outside, WAIT);
    expect(await page.textContent(`${outside} .msg-who`)).toContain(`+${contact}`);

    await page.fill('#sim-phone', contact);
    await page.fill('#sim-text', 'Halo dari kontak');
    await page.click('#sim-send-btn');
    await page.waitForSelector(
      '#monitor li[data-direction="in"]:has(.msg-text:text-is("Halo dari kontak"))',
      WAIT,
    );
    expect(await page.textContent('#monitor li:first-child .msg-text')).toBe('Halo dari kontak');
    await screenshot(page, '10-received');
  });

  it('logs out from the console: the indicator leaves green and a new QR appears', async () => {
    await ensureLinked();
    await page.goto(t.url + '/');
    await enterKey(page, t.apiKey);
    await page.waitForSelector('#status[data-status="connected"]', WAIT);
    const seen: string[] = [];
    await page.exposeFunction('reportStatus', (s: string) => seen.push(s));
    await page.evaluate(() => {
      const box = document.querySelector('#status')!;
      new MutationObserver(() => (window as any).reportStatus(box.getAttribute('data-status'))).observe(box, {
        attributes: true,
        attributeFilter: ['data-status'],
      });
    });

    await page.click('#logout-btn');
    await page.waitForSelector('#qr-img[src^="data:image/png"]', { state: 'visible', ...WAIT });
    expect(await status(page)).toBe('qr_ready');
    // It went through red (logged out or disconnected) or straight to yellow, never back to green.
    expect(seen.length).toBeGreaterThan(0);
    expect(seen).not.toContain('connected');
    expect(await page.isDisabled('#send-btn')).toBe(true);
    expect(await page.isDisabled('#logout-btn')).toBe(true);
    await screenshot(page, '07-after-logout');

    // The QR is live: a scan of the new code links again without a reload.
    await page.click('#sim-scan-btn');
    await page.waitForSelector('#status[data-status="connected"]', WAIT);
  });

  it('fits a phone-sized screen', async () => {
    const phone = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    });
    try {
      await ensureLinked();
      const p = await phone.newPage();
      errors.push(...collectErrors(p));
      await p.goto(t.url + '/');
      await enterKey(p, t.apiKey);
      await p.waitForSelector('#status[data-status="connected"]', WAIT);
      const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await screenshot(p, '08-phone', false);
      await screenshot(p, '08-phone-full');
    } finally {
      await phone.close();
    }
  });
});
