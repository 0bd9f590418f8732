import * as fs from 'node:fs';
import * as path from 'node:path';
import { enterKey, screenshot, SCREENSHOT_DIR } from './browser';
import { useConsole, WAIT } from './console-fixture';
import { waitUntil } from '../support/wait';

// Callbacks passed to page.evaluate run in the browser; the project compiles without the DOM library.
declare const document: any;

/**
 * The dashboard card with real data: a read send, a failed send, an incoming message and a failed webhook
 * delivery; drawn at desktop and phone widths, in English and Indonesian.
 */
describe('console dashboard (headless Chromium against the sandbox)', () => {
  const c = useConsole();

  async function scenario() {
    const { t, hook } = c;
    await c.ensureLinked();
    hook.status = 500;
    expect(
      (await t.post('/api/webhook-endpoints', { url: hook.url, events: ['message.received'] })).status,
    ).toBe(201);
    const good = await t.post('/api/sessions/default/messages', {
      to: '6281100000009',
      type: 'text',
      text: 'hi',
    });
    const bad = await t.post('/api/sessions/default/messages', {
      to: '9991234568',
      type: 'text',
      text: 'hi',
    });
    await t.post('/api/sandbox/contacts/6281100000302/messages', { text: 'Halo', session: 'default' });
    await waitUntil(
      async () => {
        const [g, b] = await Promise.all([
          t.get(`/api/sessions/default/messages/${good.body.id}`),
          t.get(`/api/sessions/default/messages/${bad.body.id}`),
        ]);
        const s = (await t.get('/api/stats')).body;
        return g.body.status === 'read' && b.body.status === 'failed' && s.totals.webhooks.attempts >= 1
          ? true
          : null;
      },
      { what: 'the scenario to settle' },
    );
  }

  const text = (sel: string) => c.page.textContent(sel).then((s) => (s ?? '').trim());

  it('shows totals, charts, failure reasons and queue depth, in English and Indonesian, wide and narrow', async () => {
    await scenario();
    const { page, t } = c;
    await page.goto(t.url + '/');
    await enterKey(page, t.apiKey);
    await page.waitForSelector('#dashboard-card[data-state="ready"]', WAIT);

    expect(await text('[data-testid="dash-in"] .dash-tile-value')).toBe('1');
    expect(await text('[data-testid="dash-out"] .dash-tile-value')).toBe('2');
    expect(await text('[data-testid="dash-failed"] .dash-tile-value')).toBe('1');
    expect(await text('[data-testid="dash-delivery-rate"] .dash-tile-value')).toBe('100%');
    expect(await text('[data-testid="dash-read-rate"] .dash-tile-value')).toBe('100%');
    expect(await text('[data-testid="dash-webhook-success"] .dash-tile-value')).toBe('0%');
    expect(await text('[data-testid="dash-latency"] .dash-tile-value')).toMatch(
      /^\d[\d,.]* \/ \d[\d,.]* ms$/,
    );
    expect(await text('[data-testid="dash-queue"] .dash-tile-value')).toBe('0');
    expect(await text('[data-testid="dash-reason"]')).toContain('Recipient not on WhatsApp');
    expect(await text('[data-testid="dash-queue-row"]')).toContain('default');
    // Chart.js drew both charts on their canvases (served from /vendor, under the page's CSP).
    const drawn = await page.evaluate(() =>
      ['traffic', 'rates'].map((n) => {
        const canvas = document.querySelector(`#dash-chart-${n}`);
        return canvas.width > 0 && !!(globalThis as any).Chart?.getChart(canvas);
      }),
    );
    expect(drawn).toEqual([true, true]);
    await page.locator('#dashboard-card').screenshot({ path: artifact('dashboard-en-1280') });

    // Day buckets for one session.
    await page.selectOption('#dash-range', '30d');
    await page.selectOption('#dash-session', 'default');
    await page.waitForSelector('#dashboard-card[data-bucket="day"][data-session="default"]', WAIT);
    expect(await text('[data-testid="dash-out"] .dash-tile-value')).toBe('2');

    await page.click('#lang-toggle');
    await page.waitForSelector('#dashboard-title:text-is("Dasbor")', WAIT);
    expect(await text('[data-testid="dash-in"] .dash-tile-label')).toBe('Pesan masuk');
    expect(await text('[data-testid="dash-reason"]')).toContain('Recipient not on WhatsApp');
    await page.locator('#dashboard-card').screenshot({ path: artifact('dashboard-id-1280') });

    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForFunction(
      () => document.querySelector('#dash-chart-traffic').clientWidth < 390,
      undefined,
      WAIT,
    );
    await page.locator('#dashboard-card').screenshot({ path: artifact('dashboard-id-390') });
    await page.click('#lang-toggle');
    await page.waitForSelector('#dashboard-title:text-is("Dashboard")', WAIT);
    await page.locator('#dashboard-card').screenshot({ path: artifact('dashboard-en-390') });
    await screenshot(page, '30-dashboard-page-390');
  });
});

function artifact(name: string): string {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return path.join(SCREENSHOT_DIR, `${name}.png`);
}
