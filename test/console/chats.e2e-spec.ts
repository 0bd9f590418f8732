import type { Page } from 'playwright-core';
import type { SandboxApp } from '../support/sandbox-app';
import { waitUntil } from '../support/wait';
import { enterKey, screenshot } from './browser';
import { useConsole, WAIT } from './console-fixture';

// Callbacks passed to page.evaluate run in the browser; the project compiles without the DOM library.
declare const document: any;

describe('web console: the chat list and a chat’s messages (headless Chromium)', () => {
  const c = useConsole();
  let t: SandboxApp;
  let page: Page;
  beforeEach(() => ({ t, page } = c));

  const ANA = '6281100002001';
  const BUDI = '6281100002002';
  const CITRA = '6281100002003';
  const chatRow = (phone: string) => `[data-testid="chat-row"][data-chat="${phone}@s.whatsapp.net"]`;
  const row = (phone: string) => `#chat-list ${chatRow(phone)}`;

  async function contactWrites(phone: string, text: string, pushName?: string) {
    const res = await t.post(`/api/sandbox/contacts/${phone}/messages`, {
      text,
      session: 'default',
      pushName,
    });
    expect(res.status).toBeLessThan(300);
    await waitUntil(
      async () => {
        const items = (await t.get(`/api/sessions/default/messages?chat=${phone}`)).body.items as any[];
        return items.some((m) => m.text === text);
      },
      { timeoutMs: 20_000, what: `"${text}" stored` },
    );
  }

  it('lists chats by last activity with previews and unread badges; a click shows the chat', async () => {
    await c.ensureLinked();
    await contactWrites(ANA, 'Halo, pesanan saya sudah dikirim?', 'Ana');
    await contactWrites(BUDI, 'Selamat pagi', 'Budi');
    await contactWrites(ANA, 'Nomor pesanan 1001');
    const sent = await t.post('/api/sessions/default/messages', {
      to: CITRA,
      type: 'text',
      text: 'Promo akhir pekan: diskon 20%',
    });
    expect(sent.status).toBe(202);

    await page.goto(t.url + '/');
    await enterKey(page, t.apiKey);
    await page.waitForSelector('#status[data-status="connected"]', WAIT);
    await page.waitForSelector('#live-state[data-state="connected"]', WAIT);
    await page.waitForSelector(row(CITRA), WAIT);
    const rows = await page.$$eval('#chat-list [data-testid="chat-row"]', (items) =>
      items.map((b: any) => [
        b.dataset.chat,
        b.querySelector('[data-testid="chat-name"]').textContent,
        b.querySelector('[data-testid="chat-preview"]').textContent,
        b.querySelector('[data-testid="unread-badge"]')?.textContent ?? null,
      ]),
    );
    expect(rows).toEqual([
      [`${CITRA}@s.whatsapp.net`, `+${CITRA}`, 'You: Promo akhir pekan: diskon 20%', null],
      [`${ANA}@s.whatsapp.net`, `Ana (+${ANA})`, 'Nomor pesanan 1001', '2'],
      [`${BUDI}@s.whatsapp.net`, `Budi (+${BUDI})`, 'Selamat pagi', '1'],
    ]);
    expect(await page.textContent(`${row(ANA)} time`)).toBeTruthy();

    // A new message moves its chat to the top while the page is open.
    await contactWrites(BUDI, 'Saya mau pesan 2 kotak');
    await page.waitForSelector(`#chat-list li:first-child ${chatRow(BUDI)}[data-unread="2"]`, WAIT);

    await page.click(row(ANA));
    await page.waitForSelector('#chat-messages li[data-testid="message"]', WAIT);
    expect(await page.textContent('#chat-title')).toBe(`Ana (+${ANA})`);
    const texts = await page.$$eval('#chat-messages .msg-text', (items) =>
      items.map((p: any) => p.textContent),
    );
    expect(texts).toEqual(['Nomor pesanan 1001', 'Halo, pesanan saya sudah dikirim?']);
    expect(await page.getAttribute(row(ANA), 'aria-current')).toBe('true');
    await page.locator('[data-testid="chats"]').scrollIntoViewIfNeeded();
    await screenshot(page, '50-chats', false);

    // Marked read through the API: the badge goes with the next update.
    expect((await t.post(`/api/sessions/default/chats/${ANA}/read`)).body.count).toBe(2);
    await contactWrites(CITRA, 'Terima kasih infonya');
    await page.waitForSelector(`${row(ANA)}[data-unread="0"]`, WAIT);
    expect(await page.$(`${row(ANA)} [data-testid="unread-badge"]`)).toBeNull();

    // The chat's messages open in the chat view, as the monitor draws them; in Bahasa Indonesia too.
    await page.click(row(CITRA));
    await page.waitForSelector('#chat-messages li[data-direction="out"] .tick', WAIT);
    await page.click('#lang-toggle');
    await page.waitForSelector('#chats-title:text-is("Percakapan")', WAIT);
    expect(await page.textContent(`${row(CITRA)} [data-testid="chat-preview"]`)).toBe('Terima kasih infonya');
    expect(await page.textContent(`${row(BUDI)} [data-testid="unread-badge"]`)).toBe('2');
    await page.locator('[data-testid="chats"]').scrollIntoViewIfNeeded();
    await screenshot(page, '51-chats-id', false);
    await page.click('#chat-close');
    await page.waitForSelector('#chat-view', { state: 'hidden', ...WAIT });
    await page.click('#lang-toggle');
  });

  it('fits the chat list on a phone-sized screen', async () => {
    const phone = await c.browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    });
    try {
      await c.ensureLinked();
      await contactWrites(
        ANA,
        'Pesan yang cukup panjang untuk dipotong di daftar percakapan pada layar ponsel',
      );
      const p = await phone.newPage();
      await p.goto(t.url + '/');
      await enterKey(p, t.apiKey);
      await p.waitForSelector(row(ANA), WAIT);
      await p.click(row(ANA));
      await p.waitForSelector('#chat-messages li[data-testid="message"]', WAIT);
      const overflow = await p.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(overflow).toBeLessThanOrEqual(0);
      await p.locator('#chats-title').scrollIntoViewIfNeeded();
      await screenshot(p, '52-chats-phone', false);
    } finally {
      await phone.close();
    }
  });
});
