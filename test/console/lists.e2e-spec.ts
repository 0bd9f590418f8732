import type { Page } from 'playwright-core';
import type { SandboxApp } from '../support/sandbox-app';
import { enterKey, screenshot } from './browser';
import { useConsole, WAIT } from './console-fixture';

// Callbacks passed to page.evaluate run in the browser; the project compiles without the DOM library.
declare const document: any;

describe('web console: webhook endpoints and auto-reply rules (headless Chromium against the sandbox)', () => {
  const c = useConsole();
  const hook = c.hook;
  let t: SandboxApp;
  let page: Page;
  const ensureLinked = () => c.ensureLinked();
  beforeEach(() => ({ t, page } = c));

  it('manages webhook endpoints: add (secret shown once), delivery log, retry of a failed delivery', async () => {
    await ensureLinked();
    await page.goto(t.url + '/');
    await enterKey(page, t.apiKey);
    await page.waitForSelector('#live-state[data-state="connected"]', WAIT);
    const url = hook.url;

    // The form offers every event type the gateway names, the endpoint-disabled notice included.
    const offered = await page.$$eval('#webhook-events input', (inputs) => inputs.map((i) => i.value));
    expect(offered).toEqual((await t.get('/api/info')).body.webhookEvents);
    expect(offered).toContain('webhook.endpoint_disabled');

    await page.fill('#webhook-url', url);
    await page.fill('#webhook-description', 'CRM');
    // Only message.received: another event's delivery (a contact mapping, a chat change) succeeding on its own
    // schedule would otherwise clear the failing flag before the retry below, and the count would race.
    for (const type of offered.filter((e: string) => e !== 'message.received')) {
      await page.uncheck(`#webhook-events input[value="${type}"]`);
    }
    await page.click('#webhook-add');
    await page.waitForSelector('#webhook-secret:not([hidden])', WAIT);
    expect(await page.inputValue('#webhook-secret-value')).toMatch(/^whsec_/);
    const item = `#webhook-list li[data-testid="webhook-item"]:has(code:text-is("${url}"))`;
    await page.waitForSelector(item, WAIT);
    expect(await page.textContent(item)).toContain('message.received');

    hook.status = 500;
    await t.post('/api/sandbox/contacts/6281100000501/messages', {
      text: 'Untuk webhook',
      session: 'default',
    });
    await page.click(`${item} button:text-is("Delivery log")`);
    const failed = `${item} li[data-testid="delivery"][data-status="failed"]`;
    await page.waitForSelector(failed, WAIT);
    expect(await page.textContent(failed)).toContain('HTTP 500');
    const failedId = await page.getAttribute(failed, 'data-id');
    // The endpoint is flagged in the list as failing, like the API's view says.
    await page.waitForSelector(`${item}[data-failing="true"] [data-testid="webhook-state"]`, WAIT);
    expect(await page.textContent(`${item} [data-testid="webhook-state"]`)).toMatch(/^Failing since /);
    const view = (await t.get('/api/webhook-endpoints')).body.find((e: any) => e.url === url);
    expect(view.failingSince).not.toBeNull();
    await screenshot(page, '11a-webhook-failing');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.locator(item).scrollIntoViewIfNeeded();
    await screenshot(page, '11b-webhook-failing-phone', false);
    await page.setViewportSize({ width: 1280, height: 900 });

    hook.status = 200;
    await page.click(`${failed} [data-testid="delivery-retry"]`);
    await page.waitForSelector(
      `${item} li[data-testid="delivery"][data-id="${failedId}"][data-status="delivered"]`,
      WAIT,
    );
    // A success clears it.
    await page.waitForSelector(`${item}[data-failing="false"]`, WAIT);
    expect(await page.$(`${item} [data-testid="webhook-state"]`)).toBeNull();
    expect(hook.bodies.filter((b) => b.includes('Untuk webhook'))).toHaveLength(2);

    // A new secret, after a confirmation, shown once like the first (the rotation itself is tested in webhooks/).
    const first = await page.inputValue('#webhook-secret-value');
    await page.click(`${item} [data-testid="webhook-rotate"]`);
    expect(await page.textContent(`${item} [data-testid="webhook-rotate"]`)).toBe('Replace the secret?');
    await page.click(`${item} [data-testid="webhook-rotate"]`);
    await page.waitForFunction(
      (old) => {
        const v = (document.querySelector('#webhook-secret-value') as unknown as { value: string }).value;
        return v.startsWith('whsec_') && v !== old;
      },
      first,
      WAIT,
    );
    expect(await page.textContent('#webhook-secret-text')).toContain(url);
    await screenshot(page, '11-webhooks');

    // Remove asks for a confirmation first.
    await page.click(`${item} button:text-is("Remove")`);
    await page.click(`${item} button:text-is("Really delete?")`);
    await page.waitForSelector(item, { state: 'detached', ...WAIT });
    expect((await t.get('/api/webhook-endpoints')).body.find((e: any) => e.url === url)).toBeUndefined();
  });

  it('manages auto-reply rules: add, a contact gets the reply, edit, toggle off; a bad regex is explained', async () => {
    await ensureLinked();
    await page.goto(t.url + '/');
    await enterKey(page, t.apiKey);
    await page.waitForSelector('#live-state[data-state="connected"]', WAIT);

    await page.fill('#rule-name', 'Jam buka');
    await page.selectOption('#rule-match', 'contains');
    await page.fill('#rule-pattern', 'jam buka');
    await page.fill('#rule-reply', 'Kami buka 09.00-17.00');
    await page.click('#rule-submit');
    const item = '#rule-list li[data-testid="rule-item"]:has(strong:text-is("Jam buka"))';
    await page.waitForSelector(item, WAIT);

    await t.post('/api/sandbox/contacts/6281100000601/messages', {
      text: 'Jam buka kapan?',
      session: 'default',
    });
    await page.waitForSelector(
      '#monitor li[data-direction="out"]:has(.msg-text:text-is("Kami buka 09.00-17.00"))',
      WAIT,
    );

    await page.click(`${item} [data-testid="rule-edit"]`);
    expect(await page.inputValue('#rule-pattern')).toBe('jam buka');
    await page.fill('#rule-reply', 'Buka setiap hari 08.00-20.00');
    await page.click('#rule-submit');
    await page.waitForSelector(`${item}:has(q:text-is("Buka setiap hari 08.00-20.00"))`, WAIT);

    // The dry run answers which rule would reply, without sending anything.
    await page.fill('#rule-try-text', 'jam buka hari ini?');
    await page.click('#rule-try-button');
    await page.waitForSelector('#rule-try-result[data-matched="true"]', WAIT);
    expect(await page.textContent('#rule-try-result')).toBe(
      '“Jam buka” would answer: Buka setiap hari 08.00-20.00',
    );
    await page.fill('#rule-try-text', 'halo');
    await page.click('#rule-try-button');
    await page.waitForSelector('#rule-try-result[data-matched="false"]', WAIT);

    await page.uncheck(`${item} [data-testid="rule-toggle"]`);
    await page.waitForSelector(`${item}[data-enabled="false"]`, WAIT);
    const rules = (await t.get('/api/auto-reply-rules')).body as any[];
    expect(rules.find((r) => r.name === 'Jam buka')).toMatchObject({
      enabled: false,
      reply: 'Buka setiap hari 08.00-20.00',
    });

    await page.fill('#rule-name', 'Rusak');
    await page.selectOption('#rule-match', 'regex');
    await page.fill('#rule-pattern', '(unclosed');
    await page.fill('#rule-reply', 'x');
    await page.click('#rule-submit');
    await page.waitForSelector('#rule-form .form-error:not([hidden])', WAIT);
    const message = (await page.textContent('#rule-form .form-error')) ?? '';
    expect(message).toMatch(/pattern|regex/i);
    expect(message).not.toMatch(/\[object|undefined/);
    await screenshot(page, '12-rules');
  });
});
