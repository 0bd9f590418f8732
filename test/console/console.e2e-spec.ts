import type { Browser, Page } from 'playwright-core';
import type { SandboxApp } from '../support/sandbox-app';
import { collectErrors, enterKey, screenshot, status } from './browser';
import { useConsole, WAIT } from './console-fixture';

// Callbacks passed to page.evaluate run in the browser; the project compiles without the DOM library.
declare const window: any;
declare const document: any;
declare const localStorage: any;
declare const MutationObserver: any;

describe('web console (headless Chromium against the sandbox)', () => {
  const c = useConsole();
  let t: SandboxApp;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  const ensureLinked = () => c.ensureLinked();
  beforeEach(() => ({ t, browser, page, errors } = c));

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

    // The QR refreshes live: a new pairing attempt started from outside replaces the image without a reload.
    const firstQr = await page.getAttribute('#qr-img', 'data-qr');
    expect((await t.post('/api/sessions/default/restart')).status).toBe(200);
    await page.waitForFunction(
      (old) => {
        const img = document.querySelector('#qr-img');
        return !!img && !img.hidden && !!img.dataset.qr && img.dataset.qr !== old;
      },
      firstQr,
      WAIT,
    );

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

  it('asks again for the key when the stored one stops working', async () => {
    await page.goto(t.url + '/');
    // Let this first load finish its own key check (no key -> prompt, which clears storage) before planting the
    // stale key; otherwise its late 401 can wipe the planted key before the reload.
    await page.waitForSelector('#key-form', { state: 'visible', ...WAIT });
    await page.evaluate(() => localStorage.setItem('wa-gateway.apiKey', 'an-old-key-that-was-rotated'));
    await page.reload();
    await page.waitForSelector('#key-form', { state: 'visible', ...WAIT });
    // The form can show before the stored key's check has answered: wait for the refusal, not a fixed moment.
    await page.waitForFunction(
      () =>
        document.querySelector('#key-form .form-error')?.textContent?.includes('API key was not accepted'),
      undefined,
      WAIT,
    );
    expect(await page.evaluate(() => localStorage.getItem('wa-gateway.apiKey'))).toBeNull();
    await enterKey(page, t.apiKey);
    await page.waitForSelector('#console', { state: 'visible', ...WAIT });
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
        for (const li of document.querySelectorAll('#monitor li[data-direction="out"]') as any[]) {
          if (li.querySelector('.msg-text')?.textContent !== wanted) continue;
          const status = li.dataset.status ?? '';
          if ((window as any).lastTick !== status)
            (window as any).reportTick(((window as any).lastTick = status));
        }
      }).observe(document.querySelector('#monitor')!, { childList: true, subtree: true, attributes: true });
    }, text);

    // Typed the way people write numbers; the console sends digits.
    await page.fill('#send-to', '+62 811-0000-0301');
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
      let last = box.getAttribute('data-status');
      new MutationObserver(() => {
        const now = box.getAttribute('data-status');
        if (now !== last) (window as any).reportStatus((last = now));
      }).observe(box, { attributes: true, attributeFilter: ['data-status'] });
    });

    // Unlinking the phone asks first, like the delete buttons.
    await page.click('#logout-btn');
    expect(await page.textContent('#logout-btn')).toBe('Really unlink the phone?');
    expect(seen).toEqual([]);
    await page.click('#logout-btn');
    await page.waitForSelector('#qr-img[src^="data:image/png"]', { state: 'visible', ...WAIT });
    expect(await status(page)).toBe('qr_ready');
    // It went through red (logged out or disconnected) or straight to yellow, never back to green.
    expect(seen.length).toBeGreaterThan(0);
    expect(seen).not.toContain('connected');
    expect(await page.isDisabled('#send-btn')).toBe(true);
    expect(await page.isDisabled('#logout-btn')).toBe(true);
    await screenshot(page, '07-after-logout');

    // Link again with the pairing-code form: the code is entered on the (simulated) phone.
    const phone = '6281100000701';
    await page.click('.pairing summary');
    await page.fill('#pair-phone', phone);
    await page.click('#pair-submit');
    await page.waitForSelector('#pair-code:not([hidden])', WAIT);
    // Shown the way the phone shows it: two groups of four.
    const shown = /([A-Z0-9]{4})-([A-Z0-9]{4})/.exec((await page.textContent('#pair-code')) ?? '');
    expect(shown).not.toBeNull();
    const code = shown![1] + shown![2];
    await screenshot(page, '07b-pairing-code');
    await t.sandbox.enterPairingCode(phone, code!);
    await page.waitForSelector('#status[data-status="connected"]', WAIT);
    expect(await page.textContent('#status-detail')).toContain(`+${phone}`);
  });

  it('creates a session that shows its own QR, and deletes it after a confirmation', async () => {
    await ensureLinked();
    await page.goto(t.url + '/');
    await enterKey(page, t.apiKey);
    await page.waitForSelector('#session-select option[value="default"]', { state: 'attached', ...WAIT });

    await page.fill('#new-session-id', 'sales');
    await page.click('#create-session-btn');
    await page.waitForSelector('#session-select option[value="sales"]', { state: 'attached', ...WAIT });
    expect(await page.inputValue('#session-select')).toBe('sales');
    await page.waitForSelector('#qr-img[src^="data:image/png"]', { state: 'visible', ...WAIT });
    expect(await page.getAttribute('#qr-img', 'alt')).toContain('sales');
    expect(await status(page)).toBe('qr_ready');

    // Switching sessions switches the indicator.
    await page.selectOption('#session-select', 'default');
    await page.waitForSelector('#status[data-status="connected"]', WAIT);
    await page.selectOption('#session-select', 'sales');
    await page.waitForSelector('#status[data-status="qr_ready"]', WAIT);

    await page.click('#session-delete');
    expect(await page.textContent('#session-delete')).toBe('Really delete?');
    await page.click('#session-delete');
    await page
      .waitForSelector('#session-select option[value="sales"]', { state: 'detached', ...WAIT })
      .catch(async (err) => {
        const notice = await page.textContent('#notice-text').catch(() => null);
        const api = await t.get('/api/sessions/sales');
        throw new Error(
          `${err.message}\nnotice: ${notice}\nGET sales: ${api.status} ${JSON.stringify(api.body)}`,
        );
      });
    expect(await page.inputValue('#session-select')).toBe('default');
    expect((await t.get('/api/sessions/sales')).status).toBe(404);
  });

  it('stops a session without unlinking it and starts it again', async () => {
    await ensureLinked();
    await page.goto(t.url + '/');
    await enterKey(page, t.apiKey);
    await page.waitForSelector('#status[data-status="connected"]', WAIT);
    await page.waitForSelector('#stop-btn[data-i18n="controls.stop"]:not([disabled])', WAIT);
    await page.click('#stop-btn');
    await page.waitForSelector('#status[data-status="disconnected"]', WAIT);
    await page.waitForSelector('#stop-btn[data-i18n="controls.start"]:not([disabled])', WAIT);
    expect(await page.isDisabled('#send-btn')).toBe(true);
    expect(await page.isHidden('#qr-box')).toBe(true);
    expect(await page.textContent('#status-detail')).toContain('Stopped');
    expect((await t.get('/api/sessions/default')).body).toMatchObject({
      status: 'disconnected',
      stopped: true,
    });
    await screenshot(page, '09-stopped');

    await page.click('#stop-btn');
    await page.waitForSelector('#status[data-status="connected"]', WAIT);
    await page.waitForSelector('#stop-btn[data-i18n="controls.stop"]', WAIT);
    expect((await t.get('/api/sessions/default')).body).toMatchObject({
      status: 'connected',
      stopped: false,
    });
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
