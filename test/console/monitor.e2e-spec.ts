import type { Page } from 'playwright-core';
import type { SandboxApp } from '../support/sandbox-app';
import { waitUntil } from '../support/wait';
import { enterKey, screenshot } from './browser';
import { useConsole, WAIT } from './console-fixture';

// Callbacks passed to page.evaluate run in the browser; the project compiles without the DOM library.
declare const document: any;

const GROUP_NOBODY_IS_IN = '120363000000000000@g.us';

describe('web console: message monitor paging, filters and failure reasons (headless Chromium)', () => {
  const c = useConsole();
  let t: SandboxApp;
  let page: Page;
  beforeEach(() => ({ t, page } = c));

  const shown = () => page.$$eval('#monitor li[data-testid="message"]', (items) => items.length);

  async function open(): Promise<void> {
    await c.ensureLinked();
    await page.goto(t.url + '/');
    await enterKey(page, t.apiKey);
    await page.waitForSelector('#status[data-status="connected"]', WAIT);
    await page.waitForSelector('#live-state[data-state="connected"]', WAIT);
  }

  it('shows why a message failed, also one sent by another client while the page is open', async () => {
    await open();
    const sent = await t.post('/api/sessions/default/messages', {
      to: GROUP_NOBODY_IS_IN,
      type: 'text',
      text: 'Ke grup yang tidak ada',
    });
    expect(sent.status).toBe(202);
    const item = `#monitor li[data-id="${sent.body.id}"][data-status="failed"]`;
    await page.waitForSelector(item, WAIT);
    const stored = (await t.get(`/api/sessions/default/messages/${sent.body.id}`)).body;
    expect(stored.error).toBeTruthy();
    expect(await page.textContent(`${item} [data-testid="message-error"]`)).toBe(`Not sent: ${stored.error}`);
    expect(await page.getAttribute(`${item} .tick`, 'aria-label')).toBe('Failed');

    // Read again from the history, in Bahasa Indonesia.
    await page.click('#lang-toggle');
    await page.reload();
    await page.waitForSelector(item, WAIT);
    expect(await page.textContent(`${item} [data-testid="message-error"]`)).toBe(
      `Tidak terkirim: ${stored.error}`,
    );
    await page.locator(item).scrollIntoViewIfNeeded();
    await screenshot(page, '30-failed-reason', false);
    await page.click('#lang-toggle');
  });

  it('pages back with "load older" and filters by phone and status on the server', async () => {
    await open();
    const many = '6281100001001';
    const few = '6281100001002';
    for (let i = 1; i <= 32; i++) {
      await t.post(`/api/sandbox/contacts/${many}/messages`, { text: `Pesan lama ${i}`, session: 'default' });
    }
    for (let i = 1; i <= 3; i++) {
      await t.post(`/api/sandbox/contacts/${few}/messages`, { text: `Dari B ${i}`, session: 'default' });
    }
    const total = await waitUntil(
      async () => {
        const res = await t.get('/api/sessions/default/messages?limit=500');
        const items = res.body.items as { text: string }[];
        return items.some((m) => m.text === 'Dari B 3') &&
          items.filter((m) => /^Pesan lama /.test(m.text)).length === 32
          ? items.length
          : null;
      },
      { timeoutMs: 30_000, what: 'the 35 messages stored' },
    );
    expect(total).toBeGreaterThan(30);

    await page.reload();
    await page.waitForSelector('#monitor li:has(.msg-text:text-is("Dari B 3"))', WAIT);
    // The live connection coming up reloads the first page once: wait for the list to settle on a full page.
    await page.waitForSelector('#monitor-older', { state: 'visible', ...WAIT });
    await page.waitForFunction(
      () => document.querySelectorAll('#monitor li[data-testid="message"]').length === 30,
      undefined,
      WAIT,
    );
    expect(await shown()).toBe(30);
    await page.click('#monitor-older');
    await page.waitForSelector('#monitor li:has(.msg-text:text-is("Pesan lama 1"))', WAIT);
    if (total <= 60) {
      expect(await shown()).toBe(total);
      await page.waitForSelector('#monitor-older', { state: 'hidden', ...WAIT });
      expect(await page.isVisible('#monitor-end')).toBe(true);
    }
    // Newest first, the older page below the first.
    const texts = await page.$$eval('#monitor .msg-text', (items) => items.map((i) => i.textContent));
    expect(texts.indexOf('Dari B 3')).toBeLessThan(texts.indexOf('Pesan lama 32'));
    expect(texts.indexOf('Pesan lama 32')).toBeLessThan(texts.indexOf('Pesan lama 1'));
    await screenshot(page, '31-monitor-older');

    // By phone, typed the way people write numbers.
    const filtered = page.waitForResponse((r) => r.url().includes(`chat=${few}`));
    await page.fill('#monitor-phone', '+62 811-0000-1002');
    await page.click('#monitor-filter-btn');
    expect((await filtered).status()).toBe(200);
    await waitUntil(async () => (await shown()) === 3, { what: 'the three messages of the filtered phone' });
    const who = await page.$$eval('#monitor .msg-who', (items) => items.map((i) => i.textContent));
    expect(who.every((w) => w?.includes(`+${few}`))).toBe(true);
    expect(await page.isHidden('#monitor-older')).toBe(true);
    // A live message of another chat stays out; one of this chat comes in.
    await t.post(`/api/sandbox/contacts/${many}/messages`, {
      text: 'Bukan untuk filter ini',
      session: 'default',
    });
    await t.post(`/api/sandbox/contacts/${few}/messages`, { text: 'Dari B 4', session: 'default' });
    await page.waitForSelector('#monitor li:has(.msg-text:text-is("Dari B 4"))', WAIT);
    expect(await page.$('#monitor li:has(.msg-text:text-is("Bukan untuk filter ini"))')).toBeNull();
    await screenshot(page, '32-monitor-filter-phone');

    // By status: nothing has failed in this chat.
    await page.selectOption('#monitor-status', 'failed');
    await page.click('#monitor-filter-btn');
    await page.waitForSelector('#monitor-empty:not([hidden])', WAIT);
    expect(await page.textContent('#monitor-empty')).toBe('No messages match this filter.');

    await page.click('#monitor-filter-clear');
    await page.waitForSelector('#monitor li:has(.msg-text:text-is("Bukan untuk filter ini"))', WAIT);
    expect(await shown()).toBe(30);
    expect(await page.inputValue('#monitor-phone')).toBe('');

    // A bad filter is the API's 400 in plain words, not a silent empty list.
    await page.fill('#monitor-phone', 'x'.repeat(70));
    await page.click('#monitor-filter-btn');
    await page.waitForSelector('#notice[data-kind="error"]', { state: 'visible', ...WAIT });
    expect(await page.textContent('#notice-text')).toMatch(/^Invalid recipient: chat: /);
  });

  it('fits the filter and the pages on a phone-sized screen', async () => {
    const phone = await c.browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    });
    try {
      await c.ensureLinked();
      const p = await phone.newPage();
      await p.goto(t.url + '/');
      await enterKey(p, t.apiKey);
      await p.waitForSelector('#monitor li[data-testid="message"]', WAIT);
      const overflow = await p.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(overflow).toBeLessThanOrEqual(0);
      await p.locator('#monitor-title').scrollIntoViewIfNeeded();
      await screenshot(p, '33-monitor-phone', false);
      await p.locator('#monitor-older').scrollIntoViewIfNeeded();
      await screenshot(p, '34-monitor-phone-older', false);
    } finally {
      await phone.close();
    }
  });
});
