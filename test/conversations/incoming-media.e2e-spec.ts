import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import S3rver from 's3rver';
import { MediaRetention } from '../../src/media/media-retention';
import { startSandboxApp, SandboxApp } from '../support/sandbox-app';
import { tempDir } from '../support/test-app';
import { execTestDb, queryTestDb } from '../support/test-engine';
import { waitUntil } from '../support/wait';
import { Receiver } from '../webhooks/support/receiver';
import { CONTACT, fetchMedia, PDF, PNG, VOICE, waId, waitForHook } from './support/incoming-media';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/**
 * A contact sends an image with a caption, a PDF and a voice note; each message is stored at once with its media
 * `pending`, then a `message.media` event says `available`, and the file the webhook's url points at is the one
 * the contact sent, byte for byte.
 */
async function receivesThreeFiles(t: SandboxApp, hooks: Receiver): Promise<void> {
  const sent = [
    {
      id: waId(),
      content: { image: { caption: 'our new shop', mimetype: 'image/png', bytes: PNG } },
      bytes: PNG,
      type: 'image',
      contentType: 'image/png',
      fileName: /filename="?msg_\w+\.png"?$/,
    },
    {
      id: waId(),
      content: { document: { fileName: 'invoice 1001.pdf', mimetype: 'application/pdf', bytes: PDF } },
      bytes: PDF,
      type: 'document',
      contentType: 'application/pdf',
      fileName: /filename="invoice 1001\.pdf"/,
    },
    {
      id: waId(),
      content: { audio: { ptt: true, mimetype: 'audio/ogg; codecs=opus', bytes: VOICE, seconds: 3 } },
      bytes: VOICE,
      type: 'audio',
      contentType: 'audio/ogg',
      fileName: /filename="?msg_\w+\.ogg"?$/,
    },
  ];
  for (const s of sent) await t.sandbox.contactSend(CONTACT, t.account, s.content, { id: s.id });

  for (const s of sent) {
    const received = await waitForHook(hooks.requests, 'message.received', s.id);
    expect(received.data.type).toBe(s.type);
    expect(received.data.details.media).toMatchObject({
      type: s.type,
      status: 'pending',
      size: s.bytes.length,
      sha256: null,
      url: `/api/sessions/default/messages/${received.data.id}/media`,
    });
    const settled = await waitForHook(
      hooks.requests,
      'message.media',
      s.id,
      (e) => e.data.media.status !== 'pending',
    );
    expect(settled.data).toMatchObject({ id: received.data.id, session: 'default' });
    expect(settled.data.media).toMatchObject({ status: 'available', reason: null, sha256: sha256(s.bytes) });

    const file = await fetchMedia(t, received.data.details.media.url).expect(200);
    expect(Buffer.compare(file.body as Buffer, s.bytes)).toBe(0);
    expect(file.headers['content-type']).toContain(s.contentType);
    expect(file.headers['content-disposition']).toMatch(/^inline; /);
    expect(file.headers['content-disposition']).toMatch(s.fileName);

    const message = await t.get(`/api/sessions/default/messages/${received.data.id}`).expect(200);
    expect(message.body.details.media).toMatchObject({ status: 'available', sha256: sha256(s.bytes) });
    if (s.type === 'image') expect(message.body.details.media.caption).toBe('our new shop');
    if (s.type === 'document') expect(message.body.details.media.fileName).toBe('invoice 1001.pdf');
    if (s.type === 'audio') expect(message.body.details.media.voiceNote).toBe(true);
  }
  const url = webhookEvents(hooks).find((e) => e.type === 'message.media').data.media.url;
  await fetchMedia(t, url, 'wrong-key-0123456789abcdef').expect(401);
}

function webhookEvents(hooks: Receiver): any[] {
  return hooks.requests.map((r) => JSON.parse(r.body));
}

describe('incoming media', () => {
  describe('kept in a directory', () => {
    const hooks = new Receiver();
    let t: SandboxApp;
    beforeAll(async () => {
      await hooks.listen();
      t = await startSandboxApp({ WEBHOOK_URL: hooks.url, MEDIA_RETENTION_DAYS: '30' });
    });
    afterAll(async () => {
      await t?.close();
      await hooks.close();
    });

    it('downloads an image, a PDF and a voice note: each served byte-identical at the url of its webhook', async () => {
      await receivesThreeFiles(t, hooks);
      const files = fs.readdirSync(path.join(t.dir, 'media', 'default'));
      expect(files).toHaveLength(3);
      for (const f of files)
        expect(fs.statSync(path.join(t.dir, 'media', 'default', f)).mode & 0o777).toBe(0o600);
    });

    it('keeps a message whose file the media host refuses, unavailable with a reason, until a retry gets it', async () => {
      const id = waId();
      t.sandbox.refuseMedia(id, 410);
      await t.sandbox.contactSend(CONTACT, t.account, { image: { caption: 'gone', bytes: PNG } }, { id });
      const failed = await waitForHook(
        hooks.requests,
        'message.media',
        id,
        (e) => e.data.media.status !== 'pending',
      );
      expect(failed.data.media).toMatchObject({ status: 'unavailable', reason: 'expired' });
      const stored = await t.get(`/api/sessions/default/messages/${failed.data.id}`).expect(200);
      expect(stored.body).toMatchObject({ text: 'gone', status: 'received' });
      expect(stored.body.details.media).toMatchObject({ status: 'unavailable', reason: 'expired' });
      const refused = await fetchMedia(t, failed.data.media.url).expect(409);
      expect(refused.headers['content-type']).toContain('application/json');

      // Served again, through the sandbox's control route.
      const put = (body: object) =>
        t.http().put(`/api/sandbox/media/${id}`).set('X-API-Key', t.apiKey).send(body);
      await put({ status: 500 }).expect(400);
      expect((await put({ status: null }).expect(200)).body).toEqual({ id, status: null, stored: true });
      const retry = await t.post(`/api/sessions/default/messages/${failed.data.id}/media/retry`).expect(202);
      expect(retry.body).toMatchObject({ status: 'pending', reason: null });
      await waitForHook(hooks.requests, 'message.media', id, (e) => e.data.media.status === 'available');
      const file = await fetchMedia(t, failed.data.media.url).expect(200);
      expect(Buffer.compare(file.body as Buffer, PNG)).toBe(0);
      await t.post(`/api/sessions/default/messages/${failed.data.id}/media/retry`).expect(409);
    });

    it('answers 404 for a message without media and for an unknown message', async () => {
      const { id } = await t.sandbox.contactSend(CONTACT, t.account, { text: 'no file here' });
      const received = await waitForHook(hooks.requests, 'message.received', id);
      const none = await t.get(`/api/sessions/default/messages/${received.data.id}/media`).expect(404);
      expect(none.body).toEqual({ error: 'Media not found', details: expect.any(String) });
      await t.get('/api/sessions/default/messages/msg_unknown/media').expect(404);
      await t.post('/api/sessions/default/messages/msg_unknown/media/retry').expect(404);
      await t.get('/api/sessions/nope/messages/msg_unknown/media').expect(404);
    });

    it('deletes files older than MEDIA_RETENTION_DAYS and marks their media expired', async () => {
      const id = waId();
      await t.sandbox.contactSend(CONTACT, t.account, { sticker: { bytes: PNG } }, { id });
      const ok = await waitForHook(
        hooks.requests,
        'message.media',
        id,
        (e) => e.data.media.status === 'available',
      );
      const deleted = await t.app.get(MediaRetention).sweep(Date.now() + 31 * 86_400_000);
      expect(deleted).toBeGreaterThanOrEqual(1);
      const expired = await waitForHook(
        hooks.requests,
        'message.media',
        id,
        (e) => e.data.media.status === 'expired',
      );
      expect(expired.data.media.reason).toBe('retention');
      await fetchMedia(t, ok.data.media.url).expect(410);
      expect(fs.existsSync(path.join(t.dir, 'media', 'default', ok.data.id))).toBe(false);
    });
  });

  it('resumes at boot a download a crash left pending', async () => {
    const dir = tempDir('gw-media-');
    const hooks = new Receiver();
    await hooks.listen();
    // With a data key, the media key kept for the download is encrypted at rest like the other secrets.
    const env = { WEBHOOK_URL: hooks.url, DATA_ENCRYPTION_KEY: `k1:${'ab'.repeat(32)}` };
    let t = await startSandboxApp(env, { dir });
    try {
      const id = waId();
      await t.sandbox.contactSend(CONTACT, t.account, { video: { caption: 'clip', bytes: VOICE } }, { id });
      const ok = await waitForHook(
        hooks.requests,
        'message.media',
        id,
        (e) => e.data.media.status === 'available',
      );
      await t.close();
      // As if the process had died between storing the message and finishing its download.
      await execTestDb(
        dir,
        `UPDATE media_files SET status = 'pending', storage_key = NULL WHERE message_id = ?`,
        [ok.data.id],
      );
      const [message] = await queryTestDb<{ details: string }>(
        dir,
        `SELECT details FROM messages WHERE id = ?`,
        [ok.data.id],
      );
      const details = JSON.parse(message.details);
      details.media = { ...details.media, status: 'pending', sha256: null };
      await execTestDb(dir, `UPDATE messages SET details = ? WHERE id = ?`, [
        JSON.stringify(details),
        ok.data.id,
      ]);
      fs.rmSync(path.join(dir, 'media'), { recursive: true, force: true });
      t = await startSandboxApp(env, { dir, link: false });
      // The sandbox keeps uploads in memory only: after its restart the file is gone from its media host, as
      // WhatsApp's copy is after a while, so the resumed download settles as unavailable (expired).
      const settled = await waitUntil(
        async () => {
          const res = await t.get(`/api/sessions/default/messages/${ok.data.id}`);
          return res.body.details?.media?.status !== 'pending' ? res.body.details?.media : null;
        },
        { timeoutMs: 20_000, what: 'the resumed download to settle' },
      );
      expect(settled).toMatchObject({ status: 'unavailable', reason: 'expired' });
      const [row] = await queryTestDb(
        dir,
        `SELECT status, attempts, substr(download, 1, 10) AS download FROM media_files WHERE message_id = ?`,
        [ok.data.id],
      );
      expect(row).toEqual({ status: 'unavailable', attempts: 2, download: 'enc:v1:k1:' });
    } finally {
      await t.close();
      await hooks.close();
    }
  });

  describe('kept in an S3-compatible bucket', () => {
    const hooks = new Receiver();
    const s3dir = tempDir('gw-s3-');
    const s3 = new S3rver({
      address: '127.0.0.1',
      port: 0,
      silent: true,
      directory: s3dir,
      configureBuckets: [{ name: 'wa-media', configs: [] }],
    });
    let t: SandboxApp;
    beforeAll(async () => {
      await hooks.listen();
      const { port } = await s3.run();
      t = await startSandboxApp({
        WEBHOOK_URL: hooks.url,
        MEDIA_S3_BUCKET: 'wa-media',
        MEDIA_S3_ENDPOINT: `http://127.0.0.1:${port}`,
        MEDIA_S3_REGION: 'us-east-1',
        MEDIA_S3_ACCESS_KEY_ID: 'S3RVER',
        MEDIA_S3_SECRET_ACCESS_KEY: 'S3RVER',
        MEDIA_S3_FORCE_PATH_STYLE: 'true',
      });
    });
    afterAll(async () => {
      await t?.close();
      await s3.close();
      await hooks.close();
    });

    it('downloads an image, a PDF and a voice note into the bucket and serves them byte-identical', async () => {
      await receivesThreeFiles(t, hooks);
      expect(fs.existsSync(path.join(t.dir, 'media'))).toBe(false);
      const objects = fs.readdirSync(path.join(s3dir, 'wa-media', 'default'));
      expect(objects.filter((o) => /^msg_\w+\._S3rver_object$/.test(o))).toHaveLength(3);
    });
  });
});
