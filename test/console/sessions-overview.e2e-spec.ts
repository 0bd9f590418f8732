import type { Page } from 'playwright-core';
import type { SandboxApp } from '../support/sandbox-app';
import { collectErrors, enterKey, screenshot } from './browser';
import { useConsole, WAIT } from './console-fixture';
import { TcpGate } from './tcp-gate';

// Callbacks passed to page.evaluate run in the browser; the project compiles without the DOM library.
declare const document: any;
declare const getComputedStyle: any;

/** Whether the picker is wide enough for the text of its selected option (an offscreen copy measures it). */
function pickerFits(page: Page): Promise<boolean | string> {
  return page.evaluate(() => {
    const select = document.querySelector('#session-select');
    const probe = document.createElement('span');
    probe.style.cssText = `position:absolute;visibility:hidden;white-space:nowrap;font:${getComputedStyle(select).font}`;
    probe.textContent = select.selectedOptions[0].textContent;
    document.body.append(probe);
    const needed = probe.getBoundingClientRect().width;
    probe.remove();
    const style = getComputedStyle(select);
    const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    // The drop-down arrow takes about 1.2 em beside the text.
    return needed + 1.2 * parseFloat(style.fontSize) <= room || `${needed} needed, ${room} room`;
  });
}

describe('web console: every session at once, an unreachable gateway, times in the chosen language', () => {
  const c = useConsole();
  let t: SandboxApp;
  let page: Page;
  beforeEach(() => ({ t, page } = c));

  it('lists every session with status, phone and reason; a row selects its session', async () => {
    await c.ensureLinked();
    const phone = (await t.get('/api/sessions/default')).body.phone as string;
    expect((await t.post('/api/sessions', { id: 'sales-jakarta-utara' })).status).toBe(201);
    expect((await t.post('/api/sessions', { id: 'support' })).status).toBe(201);
    expect((await t.post('/api/sessions/support/stop')).status).toBe(200);
    try {
      await page.goto(t.url + '/');
      await enterKey(page, t.apiKey);
      const row = (id: string) => `#overview-body tr[data-session="${id}"]`;
      await page.waitForSelector(`${row('default')}[data-status="connected"]`, WAIT);
      await page.waitForSelector(`${row('sales-jakarta-utara')}[data-status="qr_ready"]`, WAIT);
      await page.waitForSelector(`${row('support')}[data-status="disconnected"]`, WAIT);
      expect(await page.textContent(`${row('default')} .ov-phone`)).toBe(`+${phone}`);
      expect(await page.textContent(`${row('default')} .ov-status`)).toContain('Connected');
      expect(await page.textContent(`${row('support')} .ov-reason`)).toMatch(/stopped/i);
      expect(await page.getAttribute(row('default'), 'aria-current')).toBe('true');
      expect(await pickerFits(page)).toBe(true);
      await screenshot(page, '20-overview');

      await page.click(`${row('sales-jakarta-utara')} .ov-status`);
      await page.waitForSelector('#status[data-status="qr_ready"]', WAIT);
      expect(await page.inputValue('#session-select')).toBe('sales-jakarta-utara');
      expect(await page.getAttribute(row('sales-jakarta-utara'), 'aria-current')).toBe('true');
      await page.waitForSelector('#qr-img[src^="data:image/png"]', { state: 'visible', ...WAIT });
      expect(await pickerFits(page)).toBe(true);

      await page.click(`${row('support')} button`);
      await page.waitForSelector('#status[data-status="disconnected"]', WAIT);
      expect(await page.inputValue('#session-select')).toBe('support');

      await page.click('#lang-toggle');
      await page.waitForSelector('html[lang="id"]', { state: 'attached', ...WAIT });
      expect(await page.textContent('#overview-title')).toBe('Semua sesi');
      expect(await page.textContent(`${row('default')} .ov-status`)).toContain('Terhubung');
      await page.click(`${row('sales-jakarta-utara')} button`);
      await page.waitForSelector('#status[data-status="qr_ready"]', WAIT);
      expect(await pickerFits(page)).toBe(true);
      await screenshot(page, '21-overview-id');

      const phoneContext = await c.browser.newContext({
        viewport: { width: 390, height: 844 },
        deviceScaleFactor: 2,
        isMobile: true,
        hasTouch: true,
      });
      try {
        const p = await phoneContext.newPage();
        c.errors.push(...collectErrors(p));
        await p.goto(t.url + '/');
        await enterKey(p, t.apiKey);
        await p.waitForSelector(`${row('support')}[data-status="disconnected"]`, WAIT);
        await screenshot(p, '22-overview-phone', false);
        expect(
          await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth),
        ).toBeLessThanOrEqual(0);
        await p.click(`${row('default')} .ov-phone`);
        await p.waitForSelector('#status[data-status="connected"]', WAIT);
        expect(await pickerFits(p)).toBe(true);
        await screenshot(p, '22b-overview-phone-full');
      } finally {
        await phoneContext.close();
      }
    } finally {
      await t.http().delete('/api/sessions/sales-jakarta-utara').set('X-API-Key', t.apiKey);
      await t.http().delete('/api/sessions/support').set('X-API-Key', t.apiKey);
    }
  });

  it('shows the status as unknown while the gateway is unreachable, and clears its error once it is back', async () => {
    await c.ensureLinked();
    const port = Number(new URL(t.url).port);
    const gate = new TcpGate({ host: '127.0.0.1', port });
    await gate.listen();
    try {
      await page.goto(gate.url + '/');
      await enterKey(page, t.apiKey);
      await page.waitForSelector('#status[data-status="connected"]', WAIT);
      await page.waitForSelector('#live-state[data-state="connected"]', WAIT);

      gate.cut();
      await page.waitForSelector('#status[data-status="unknown"]', WAIT);
      expect(await page.textContent('#status-text')).toBe('Unknown — gateway unreachable');
      expect(await page.textContent('#status-detail')).toBe('Last known: Connected');
      expect(await page.getAttribute('#overview-body tr[data-session="default"]', 'data-status')).toBe(
        'unknown',
      );
      // An action now fails in plain words, in the red banner.
      await page.click('#refresh-btn');
      await page.waitForSelector('#notice[data-kind="error"]', { state: 'visible', ...WAIT });
      expect(await page.textContent('#notice-text')).toContain('Cannot reach the gateway');
      await screenshot(page, '23-unreachable');

      gate.reopen();
      await page.waitForSelector('#status[data-status="connected"]', WAIT);
      await page.waitForSelector('#notice', { state: 'hidden', ...WAIT });
      expect(await page.textContent('#status-text')).toBe('Connected');
      await page.waitForSelector('#live-state[data-state="connected"]', WAIT);
      await screenshot(page, '24-back');
    } finally {
      // Leave the gated page first, so no request of it fails after the filter below.
      await page.goto('about:blank').catch(() => undefined);
      await gate.close();
      // The browser's own lines about the connections the gate cut are expected here.
      const expected = /net::ERR_|WebSocket connection to .* failed/;
      c.errors.splice(0, c.errors.length, ...c.errors.filter((e) => !expected.test(e)));
    }
  });

  it('writes times in the chosen language on one line (24-hour in Bahasa Indonesia)', async () => {
    await c.ensureLinked();
    await page.goto(t.url + '/');
    await enterKey(page, t.apiKey);
    await page.waitForSelector('#console', { state: 'visible', ...WAIT });
    for (const [viewport, name] of [
      [{ width: 1280, height: 900 }, 'desktop'],
      [{ width: 390, height: 844 }, 'phone'],
    ] as const) {
      await page.setViewportSize(viewport);
      // The key is remembered: the console opens straight away.
      await page.reload();
      await page.waitForSelector('#live-state[data-state="connected"]', WAIT);
      const text = `Jam berapa? ${name} ${Date.now()}`;
      await t.post('/api/sandbox/contacts/6281100000901/messages', { text, session: 'default' });
      const item = `#monitor li:has(.msg-text:text-is("${text}"))`;
      await page.waitForSelector(item, WAIT);
      const time = `#monitor li[data-id="${await page.getAttribute(item, 'data-id')}"] time`;
      expect(await page.textContent(time)).toMatch(/^\d{1,2}:\d{2}:\d{2}\s?[AP]M$/);

      if ((await page.getAttribute('html', 'lang')) !== 'id') await page.click('#lang-toggle');
      await page.waitForSelector('html[lang="id"]', { state: 'attached', ...WAIT });
      const shown = (await page.textContent(time)) ?? '';
      expect(shown).not.toMatch(/AM|PM/);
      const expected = await page.evaluate(
        (sel) =>
          new Intl.DateTimeFormat('id-ID', { hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(
            new Date(document.querySelector(sel).getAttribute('datetime')),
          ),
        time,
      );
      expect(shown).toBe(expected);
      // One line: an inline box that wraps has more than one rectangle.
      expect(await page.evaluate((sel) => document.querySelector(sel).getClientRects().length, time)).toBe(1);
      await page.locator(item).scrollIntoViewIfNeeded();
      await screenshot(page, `25-time-id-${name}`, false);
      await page.click('#lang-toggle');
      await page.waitForSelector('html[lang="en"]', { state: 'attached', ...WAIT });
    }
  });
});
