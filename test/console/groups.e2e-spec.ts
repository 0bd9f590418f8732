import type { Browser, Page } from 'playwright-core';
import type { SandboxApp } from '../support/sandbox-app';
import { enterKey, screenshot } from './browser';
import { useConsole, WAIT } from './console-fixture';
import { waitUntil } from '../support/wait';

const A = '6281150000101';
const B = '6281150000102';

describe('console: groups (headless Chromium against the sandbox)', () => {
  const c = useConsole();
  let t: SandboxApp;
  let page: Page;
  beforeEach(() => ({ t, page } = c as { t: SandboxApp; browser: Browser; page: Page }));

  it("lists the session's groups, shows a group's participants and roles, and sends to the group", async () => {
    await c.ensureLinked();
    const account = (await t.get('/api/sessions/default')).body.phone as string;
    const created = await t.post('/api/sessions/default/groups', {
      subject: 'Toko Budi',
      participants: [A, B],
    });
    expect(created.status).toBe(201);
    const group = created.body.id as string;
    await t.post(`/api/sessions/default/groups/${group}/participants/promote`, { participants: [A] });

    await page.goto(t.url + '/');
    await enterKey(page, t.apiKey);
    await page.waitForSelector('#status[data-status="connected"]', WAIT);
    await page.click('#groups-refresh');
    await page.waitForSelector(`#groups-list li[data-group="${group}"]`, WAIT);
    expect(await page.textContent(`#groups-list li[data-group="${group}"]`)).toContain('Toko Budi');
    expect(await page.textContent(`#groups-list li[data-group="${group}"]`)).toContain('3 participants');

    await page.click(`#groups-list li[data-group="${group}"] button`);
    await page.waitForSelector('#group-detail:not([hidden])', WAIT);
    expect(await page.getAttribute(`#group-participants li[data-phone="${A}"]`, 'data-role')).toBe('admin');
    expect(await page.getAttribute(`#group-participants li[data-phone="${B}"]`, 'data-role')).toBe('member');
    expect(await page.getAttribute(`#group-participants li[data-phone="${account}"]`, 'data-role')).toBe(
      'superadmin',
    );
    await screenshot(page, 'groups-detail');

    await page.fill('#group-send-text', 'Halo dari konsol');
    await page.click('[data-testid="group-send-btn"]');
    const got = await t.sandbox.waitForReceived(B, (m) => m.text === 'Halo dari konsol', 20_000);
    expect(got.group).toBe(group);

    // The sandbox panel: a member writes in the group; the gateway stores it with the group and the member.
    await page.fill('#sim-phone', A);
    await page.fill('#sim-text', 'Balasan dari anggota');
    await page.fill('#sim-group', group);
    await page.click('#sim-send-btn');
    const stored = await waitUntil(
      async () => {
        const res = await t.get(
          `/api/sessions/default/messages?chat=${encodeURIComponent(group)}&direction=in`,
        );
        return res.body.items.find((m: any) => m.text === 'Balasan dari anggota') ?? null;
      },
      { timeoutMs: 20_000, what: "the member's group message stored" },
    );
    expect(stored).toMatchObject({ chatType: 'group', from: { phone: A } });
  });
});
