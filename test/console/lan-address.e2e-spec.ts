import * as os from 'node:os';
import type { Browser } from 'playwright-core';
import { FAST_SANDBOX_ENV } from '../support/sandbox-app';
import { startTestApp, TestApp } from '../support/test-app';
import { collectErrors, enterKey, launchBrowser, screenshot } from './browser';
import { WAIT } from './console-fixture';

// Callbacks passed to page.evaluate run in the browser; the project compiles without the DOM library.
declare const document: any;
declare const getComputedStyle: any;

/** A non-loopback IPv4 address of this machine, or a name Chromium is told to resolve to 127.0.0.1. */
function lanHost(): string {
  for (const list of Object.values(os.networkInterfaces())) {
    const found = (list ?? []).find((a) => a.family === 'IPv4' && !a.internal);
    if (found) return found.address;
  }
  return 'console.test';
}

describe('console and /docs opened by the server address, over plain http (as on a LAN)', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    [t, browser] = await Promise.all([
      startTestApp({ ...FAST_SANDBOX_ENV, HOST: '0.0.0.0', TRUST_PROXY: 'loopback' }, undefined, {
        host: '0.0.0.0',
      }),
      launchBrowser(['--host-resolver-rules=MAP console.test 127.0.0.1']),
    ]);
    const port = new URL(t.url).port;
    base = `http://${lanHost()}:${port}`;
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it.each([
    ['desktop', { width: 1280, height: 900 }],
    ['phone', { width: 390, height: 844 }],
  ])('renders the console and the API reference (%s)', async (name, viewport) => {
    const context = await browser.newContext({ viewport, locale: 'en-US' });
    try {
      const page = await context.newPage();
      const errors = collectErrors(page);
      const failed: string[] = [];
      // The page's own files (a long-polling API call cut short by leaving the page is not one of them).
      const files = ['document', 'script', 'stylesheet', 'image', 'font'];
      page.on('requestfailed', (r) => {
        if (files.includes(r.resourceType())) failed.push(`${r.url()} ${r.failure()?.errorText}`);
      });

      await page.goto(base + '/');
      // The key prompt is shown by the console's script; its layout comes from the stylesheets.
      await page.waitForSelector('#key-form', { state: 'visible', ...WAIT });
      expect(await page.evaluate(() => getComputedStyle(document.querySelector('.topbar')).display)).toBe(
        'flex',
      );
      await enterKey(page, t.apiKey);
      await page.waitForSelector('#console', { state: 'visible', ...WAIT });
      await page.waitForSelector('#live-state[data-state="connected"]', WAIT);
      await screenshot(page, `lan-console-${name}`);

      await page.goto(base + '/docs');
      await page.waitForSelector('.swagger-ui .info .title', { state: 'visible', ...WAIT });
      expect(await page.textContent('.swagger-ui .info .title')).toContain('WhatsApp');
      await page.waitForSelector('.swagger-ui .opblock', { state: 'visible', ...WAIT });
      await screenshot(page, `lan-docs-${name}`, false);

      expect(failed).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('asks browsers to upgrade sub-requests only when the page came over https', async () => {
    const plain = await t.http().get('/');
    const csp = plain.headers['content-security-policy'];
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain('upgrade-insecure-requests');
    // Browsers ignore (and log an error for) Cross-Origin-Opener-Policy on plain http, except on localhost.
    expect(plain.headers['cross-origin-opener-policy']).toBe('same-origin');
    const lan = await t
      .http()
      .get('/')
      .set('Host', `192.168.1.10:${new URL(t.url).port}`);
    expect(lan.headers['cross-origin-opener-policy']).toBeUndefined();
    expect(lan.headers['content-security-policy']).toBe(csp);

    // Behind a TLS-terminating proxy on this host (TRUST_PROXY=loopback).
    const proxied = await t.http().get('/').set('X-Forwarded-Proto', 'https');
    expect(proxied.headers['content-security-policy']).toContain('upgrade-insecure-requests');
    expect(proxied.headers['content-security-policy']).toContain("script-src 'self'");
  });
});
