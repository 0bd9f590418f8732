import * as fs from 'node:fs';
import type { Page } from 'playwright-core';
import type { SandboxApp } from '../support/sandbox-app';
import { gradientPng } from '../support/png';
import { enterKey, screenshot } from './browser';
import { useConsole, WAIT } from './console-fixture';

// Callbacks passed to page.evaluate run in the browser; the project compiles without the DOM library.
declare const document: any;

const CONTACT = '6281100002001';
const PICTURE = gradientPng(96, 64);
const PDF = Buffer.from('%PDF-1.4\n% a small invoice\n%%EOF\n');

describe('web console: incoming media in the message monitor (headless Chromium)', () => {
  const c = useConsole();
  let t: SandboxApp;
  let page: Page;
  beforeEach(() => ({ t, page } = c));

  it('shows a thumbnail of an incoming image, a link that downloads a document, and why a file is missing', async () => {
    await c.ensureLinked();
    const account = (await t.get('/api/sessions/default')).body.phone as string;
    await page.goto(t.url + '/');
    await enterKey(page, t.apiKey);
    await page.waitForSelector('#live-state[data-state="connected"]', WAIT);

    const image = await t.sandbox.contactSend(CONTACT, account, {
      image: { caption: 'Foto toko baru', mimetype: 'image/png', bytes: PICTURE },
    });
    const doc = await t.sandbox.contactSend(CONTACT, account, {
      document: { fileName: 'invoice-1001.pdf', mimetype: 'application/pdf', bytes: PDF },
    });
    const goneId = '3EB0C0FFEE0000000001';
    t.sandbox.refuseMedia(goneId, 404);
    await t.sandbox.contactSend(CONTACT, account, { audio: { ptt: true, bytes: PDF } }, { id: goneId });

    // The thumbnail is fetched with the console's API key and decoded by the browser.
    const thumb = '#monitor li[data-direction="in"] img[data-testid="media-thumb"]';
    await page.waitForSelector(thumb, WAIT);
    await page.waitForFunction(
      (sel: string) => {
        const img = document.querySelector(sel);
        return img && img.complete && img.naturalWidth === 96 && img.naturalHeight === 64;
      },
      thumb,
      WAIT,
    );
    expect(await page.getAttribute(thumb, 'alt')).toBe('Foto toko baru');
    expect(await page.getAttribute(thumb, 'src')).toMatch(/^blob:/);

    const link = '#monitor a[data-testid="media-link"]';
    await page.waitForSelector(link, WAIT);
    expect(await page.textContent(link)).toContain('invoice-1001.pdf');
    const [download] = await Promise.all([page.waitForEvent('download', WAIT), page.click(link)]);
    expect(download.suggestedFilename()).toBe('invoice-1001.pdf');
    expect(Buffer.compare(fs.readFileSync((await download.path())!), PDF)).toBe(0);

    const missing = '#monitor [data-testid="media-state"][data-status="unavailable"]';
    await page.waitForSelector(missing, WAIT);
    expect(await page.textContent(missing)).toBe('The audio could not be downloaded (expired).');

    const stored = (await t.get(`/api/sessions/default/messages/${image.id}`)).body;
    expect(stored.details.media.status).toBe('available');
    expect((await t.get(`/api/sessions/default/messages/${doc.id}`)).body.details.media.status).toBe(
      'available',
    );
    await page.locator(thumb).scrollIntoViewIfNeeded();
    await screenshot(page, '40-monitor-incoming-media', false);
    expect(c.errors).toEqual([]);
  });
});
