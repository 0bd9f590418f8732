import { createHash } from 'node:crypto';
import { SessionManager } from '../../src/whatsapp/sessions/session-manager';
import { startSandboxApp, SandboxApp } from '../support/sandbox-app';
import { waitUntil } from '../support/wait';
import { MediaSource } from './support/media-source';
import { closedPort } from '../support/closed-port';

const NO_PACING = { SEND_MIN_INTERVAL_MS: '0', SEND_JITTER_MS: '0' };
const PNG_1X1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function settled(t: SandboxApp, id: string): Promise<{ status: string; error: string | null }> {
  return waitUntil(
    async () => {
      const r = await t.get(`/api/sessions/default/messages/${id}`);
      return ['sent', 'delivered', 'read', 'failed'].includes(r.body.status) ? r.body : null;
    },
    { timeoutMs: 20_000, what: `message ${id} to be sent or failed` },
  );
}

describe('media by URL', () => {
  const source = new MediaSource();
  beforeAll(async () => {
    await source.listen();
    source.add('pic.png', PNG_1X1);
  });
  afterAll(() => source.close());

  describe('with the default address policy', () => {
    let t: SandboxApp;
    beforeAll(async () => {
      // Sandbox mode lets webhooks (and so, by default, media) reach loopback: the operator's empty list restores
      // the default every other mode has.
      t = await startSandboxApp({ ...NO_PACING, MEDIA_ALLOWED_CIDRS: undefined, WEBHOOK_ALLOWED_CIDRS: '' });
    });
    afterAll(() => t.close());

    it('refuses loopback, private, link-local and special IPv6 targets, open port or not, and fetches nothing', async () => {
      const port = source.port;
      const closed = await closedPort();
      const urls = [
        `http://127.0.0.1:${port}/file/pic.png`,
        `http://127.0.0.1:${closed}/file/pic.png`,
        `http://localhost:${port}/file/pic.png`,
        `http://[::1]:${port}/file/pic.png`,
        `http://[::ffff:127.0.0.1]:${port}/file/pic.png`,
        `http://[::127.0.0.1]:${port}/file/pic.png`,
        `http://[64:ff9b::7f00:1]:${port}/file/pic.png`,
        `http://[2002:7f00:1::1]:${port}/file/pic.png`,
        `http://[fec0::1]:${port}/file/pic.png`,
        `http://[fe80::1]:${port}/file/pic.png`,
        'http://169.254.169.254/latest/meta-data',
        'http://10.0.0.1/pic.png',
        'http://192.168.1.1/pic.png',
        'http://100.64.0.1/pic.png',
      ];
      const contact = '6281100000201';
      const ids: string[] = [];
      for (const url of urls) {
        const res = await t.post('/api/sessions/default/messages', {
          to: contact,
          type: 'image',
          image: { url },
        });
        expect(res.status).toBe(202);
        ids.push(res.body.id);
      }
      for (const id of ids) {
        expect(await settled(t, id)).toMatchObject({
          status: 'failed',
          error: 'Media URL refused: address not allowed',
        });
      }
      expect(source.requests).toEqual([]);
      expect(t.sandbox.received(contact)).toEqual([]);
      // The queue goes on after the refusals.
      const text = await t.post('/api/sessions/default/messages', {
        to: contact,
        type: 'text',
        text: 'after',
      });
      await t.sandbox.waitForReceived(contact, (m) => m.id === text.body.waMessageId);
    });
  });

  describe('with MEDIA_ALLOWED_CIDRS listing the local server', () => {
    let t: SandboxApp;
    beforeAll(async () => {
      t = await startSandboxApp({
        ...NO_PACING,
        MEDIA_ALLOWED_CIDRS: '127.0.0.1/32',
        MEDIA_FETCH_TIMEOUT_MS: '60000',
      });
    });
    afterAll(() => t.close());
    beforeEach(() => source.requests.splice(0));

    it('downloads and sends the media', async () => {
      const contact = '6281100000301';
      const res = await t.post('/api/sessions/default/messages', {
        to: contact,
        type: 'image',
        image: { url: source.url('/file/pic.png') },
        caption: 'dari URL',
      });
      expect(res.status).toBe(202);
      const got = await t.sandbox.waitForReceived(contact, (m) => m.id === res.body.waMessageId, 20_000);
      expect(got).toMatchObject({ kind: 'image', caption: 'dari URL' });
      expect(got.media?.sha256).toBe(sha256(PNG_1X1));
      expect(source.requests).toEqual(['/file/pic.png']);
    });

    it('fails network errors with one reason, and does not follow redirects', async () => {
      const contact = '6281100000302';
      const send = async (url: string) =>
        (await t.post('/api/sessions/default/messages', { to: contact, type: 'image', image: { url } })).body
          .id as string;
      const closed = await send(`http://127.0.0.1:${await closedPort()}/file/pic.png`);
      const redirect = await send(source.url('/redirect/pic.png'));
      const missing = await send(source.url('/file/none.png'));
      const outside = await send(`http://127.0.0.2:${source.port}/file/pic.png`);
      expect(await settled(t, closed)).toMatchObject({
        status: 'failed',
        error: 'Media could not be fetched',
      });
      expect(await settled(t, redirect)).toMatchObject({
        status: 'failed',
        error: 'Media could not be fetched (HTTP 302)',
      });
      expect(await settled(t, missing)).toMatchObject({
        status: 'failed',
        error: 'Media could not be fetched (HTTP 404)',
      });
      expect(await settled(t, outside)).toMatchObject({
        status: 'failed',
        error: 'Media URL refused: address not allowed',
      });
      expect(source.requests).toEqual(['/redirect/pic.png', '/file/none.png']);
    });

    it('a slow media URL holds back only later messages to its own chat, which keep their order', () =>
      slowMediaScenario(t, source, '40'));

    it('a download cut short by a disconnect is fetched again when the session is back', async () => {
      const contact = '6281100000601';
      const body = Buffer.from('%PDF-1.4 again');
      source.add('again.pdf', body);
      const res = await t.post('/api/sessions/default/messages', {
        to: contact,
        type: 'document',
        document: { url: source.url('/slow/again.pdf') },
        mimetype: 'application/pdf',
        fileName: 'again.pdf',
      });
      await waitUntil(() => source.requests.includes('/slow/again.pdf'), { what: 'the download' });
      await t.app.get(SessionManager).stop('default');
      // Given back to the queue (its download dropped), not failed.
      await waitUntil(
        async () => (await t.get(`/api/sessions/default/messages/${res.body.id}`)).body.status === 'queued',
        { what: 'the message to be queued again' },
      );

      await t.app.get(SessionManager).start('default');
      await waitUntil(() => source.requests.filter((p) => p === '/slow/again.pdf').length === 2, {
        timeoutMs: 20_000,
        what: 'the download to start again',
      });
      source.finish('again.pdf');
      const got = await t.sandbox.waitForReceived(contact, (m) => m.id === res.body.waMessageId, 20_000);
      expect(got.media?.sha256).toBe(sha256(body));
      expect(t.sandbox.received(contact)).toHaveLength(1);
    });
  });

  it('with pacing on, a slow media URL holds back only its own chat too', async () => {
    const t = await startSandboxApp({
      SEND_MIN_INTERVAL_MS: '20',
      SEND_JITTER_MS: '0',
      MEDIA_ALLOWED_CIDRS: '127.0.0.1/32',
      MEDIA_FETCH_TIMEOUT_MS: '60000',
    });
    try {
      await slowMediaScenario(t, source, '41');
    } finally {
      await t.close();
    }
  });

  it('MEDIA_ALLOWED_CIDRS defaults to WEBHOOK_ALLOWED_CIDRS', async () => {
    const t = await startSandboxApp({
      ...NO_PACING,
      MEDIA_ALLOWED_CIDRS: undefined,
      WEBHOOK_ALLOWED_CIDRS: '127.0.0.1/32',
    });
    try {
      const contact = '6281100000501';
      const res = await t.post('/api/sessions/default/messages', {
        to: contact,
        type: 'image',
        image: { url: source.url('/file/pic.png') },
      });
      const got = await t.sandbox.waitForReceived(contact, (m) => m.id === res.body.waMessageId, 20_000);
      expect(got.media?.sha256).toBe(sha256(PNG_1X1));
    } finally {
      await t.close();
    }
  });
});

/**
 * Sends media from a URL that dribbles its bytes (its last byte held back), then a text to the same chat and one
 * to another chat: the other chat's text arrives while the download runs; the same chat's text after the media.
 */
async function slowMediaScenario(t: SandboxApp, source: MediaSource, tag: string): Promise<void> {
  const slowChat = `62811000${tag}01`;
  const otherChat = `62811000${tag}02`;
  const body = Buffer.from('%PDF-1.4 slow');
  source.add(`slow-${tag}.pdf`, body);
  const post = (b: object) => t.post('/api/sessions/default/messages', b);
  const slow = await post({
    to: slowChat,
    type: 'document',
    document: { url: source.url(`/slow/slow-${tag}.pdf`) },
    mimetype: 'application/pdf',
    fileName: `slow-${tag}.pdf`,
  });
  const sameChat = await post({ to: slowChat, type: 'text', text: 'after the slow one' });
  const other = await post({ to: otherChat, type: 'text', text: 'not held back' });
  expect([slow.status, sameChat.status, other.status]).toEqual([202, 202, 202]);

  // The other chat's text arrives while the slow download is still running (its last byte is held back).
  await t.sandbox.waitForReceived(otherChat, (m) => m.id === other.body.waMessageId, 20_000);
  await waitUntil(() => source.requests.includes(`/slow/slow-${tag}.pdf`), { what: 'the slow download' });
  expect(t.sandbox.received(slowChat)).toEqual([]);
  expect((await t.get(`/api/sessions/default/messages/${sameChat.body.id}`)).body.status).not.toBe('sent');

  source.finish(`slow-${tag}.pdf`);
  await t.sandbox.waitForReceived(slowChat, (m) => m.id === sameChat.body.waMessageId, 20_000);
  const got = t.sandbox.received(slowChat);
  expect(got.map((m) => m.id)).toEqual([slow.body.waMessageId, sameChat.body.waMessageId]);
  expect(got[0]).toMatchObject({ kind: 'document', fileName: `slow-${tag}.pdf` });
  expect(got[0].media?.sha256).toBe(sha256(body));
}
