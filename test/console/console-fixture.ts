import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startSandboxApp, SandboxApp } from '../support/sandbox-app';
import { collectErrors, launchBrowser } from './browser';
import { HookReceiver } from './hook-receiver';

export const WAIT = { timeout: 20_000 };

export interface ConsoleFixture {
  t: SandboxApp;
  browser: Browser;
  /** A fresh desktop page per test; its page and console errors fail the test. */
  page: Page;
  errors: string[];
  /** A loopback webhook receiver for the webhooks card. */
  hook: HookReceiver;
  /** Links `default` to the sandbox unless it is connected already. */
  ensureLinked(): Promise<void>;
}

/**
 * One sandbox gateway (unlinked at first) and one headless Chromium for a console suite; each test gets its own
 * browser context. The returned object is filled in by the suite's hooks: read it inside tests.
 */
export function useConsole(): ConsoleFixture {
  const hook = new HookReceiver();
  let context: BrowserContext;
  const c = {
    hook,
    async ensureLinked() {
      const res = await c.t.get('/api/sessions/default');
      if (res.body.status !== 'connected') await c.t.link('default');
    },
  } as ConsoleFixture;

  beforeAll(async () => {
    await hook.listen();
    [c.t, c.browser] = await Promise.all([
      startSandboxApp(
        {
          WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
          WEBHOOK_RETRY_SCHEDULE: '0',
          WEBHOOK_POLL_INTERVAL_MS: '100',
        },
        { link: false },
      ),
      launchBrowser(),
    ]);
  });
  afterAll(async () => {
    await c.browser?.close();
    await c.t?.close();
    await hook.close();
  });
  beforeEach(async () => {
    context = await c.browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    c.page = await context.newPage();
    c.errors = collectErrors(c.page);
  });
  afterEach(async () => {
    await context.close();
    expect(c.errors).toEqual([]);
  });
  return c;
}
