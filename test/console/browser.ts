import * as fs from 'node:fs';
import * as path from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';

// Callbacks passed to page.evaluate run in the browser; the project compiles without the DOM library.
declare const window: any;

export const SCREENSHOT_DIR = path.join(__dirname, '..', '..', 'test-artifacts', 'console');

/** Debian's Chromium (installed by .ci/run); CHROMIUM_PATH overrides. */
export function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(
    (p): p is string => !!p,
  );
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found)
    throw new Error(`Chromium not found (tried ${candidates.join(', ')}); run .ci/run or set CHROMIUM_PATH`);
  return found;
}

/** `extraArgs`: more Chromium switches (e.g. --host-resolver-rules). */
export function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      ...extraArgs,
    ],
  });
}

/** Page errors and console errors, except the browser's own line for an HTTP error status the page handled. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    if (/Failed to load resource: the server responded with a status of 4\d\d/.test(msg.text())) return;
    errors.push(`console: ${msg.text()}`);
  });
  return errors;
}

export async function screenshot(page: Page, name: string, fullPage = true): Promise<void> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  // Sticky bars are drawn where the page is scrolled to; a full-page picture wants them at the top.
  if (fullPage) await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage });
}

/** Types the API key into the console's prompt and submits it. */
export async function enterKey(page: Page, key: string): Promise<void> {
  await page.fill('#key-input', key);
  await page.click('#key-submit');
}

/** The status indicator's state: connected, qr_ready, disconnected, ... */
export function status(page: Page): Promise<string | null> {
  return page.getAttribute('#status', 'data-status');
}
