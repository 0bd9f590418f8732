import { startTestApp, tempDir, TestApp } from '../support/test-app';
import { waitUntil } from '../support/wait';
import { Receiver } from './support/receiver';
import { api, expectErrorShape, publish } from './support/webhook-helpers';

describe('webhook SSRF guard', () => {
  it('refuses 169.254.169.254 and 127.0.0.1 by default, naming the reason', async () => {
    const t = await startTestApp();
    try {
      const a = api(t);
      const metadata = await a.post('/api/webhook-endpoints', {
        url: 'http://169.254.169.254/latest/meta-data',
      });
      expect(metadata.status).toBe(400);
      expectErrorShape(metadata.body);
      expect(metadata.body.details).toMatch(/link-local/);
      const loop = await a.post('/api/webhook-endpoints', { url: 'http://127.0.0.1:8080/hook' }).expect(400);
      expect(loop.body.details).toMatch(/loopback/);
      expect(loop.body.details).toMatch(/WEBHOOK_ALLOW_PRIVATE_NETWORKS/);
      await a.post('/api/webhook-endpoints', { url: 'http://localhost:8080/hook' }).expect(400);
      await a.post('/api/webhook-endpoints', { url: 'http://[::1]:8080/hook' }).expect(400);
      await a.post('/api/webhook-endpoints', { url: 'http://10.0.0.8/hook' }).expect(400);
      const { body: list } = await a.get('/api/webhook-endpoints').expect(200);
      expect(list).toEqual([]);
    } finally {
      await t.close();
    }
  });

  it('accepts them when allowed by WEBHOOK_ALLOWED_CIDRS, and checks again at connect time', async () => {
    const dir = tempDir();
    const receiver = new Receiver();
    await receiver.listen();
    let t: TestApp = await startTestApp(
      { WEBHOOK_ALLOWED_CIDRS: '127.0.0.1/32,169.254.0.0/16', WEBHOOK_RETRY_SCHEDULE: '0,0.05' },
      dir,
    );
    try {
      const a = api(t);
      await a
        .post('/api/webhook-endpoints', { url: 'http://169.254.169.254/hook', enabled: false })
        .expect(201);
      const { body: e } = await a
        .post('/api/webhook-endpoints', { url: receiver.url, events: ['message.status'] })
        .expect(201);
      const first = await publish(t, 'message.status', { id: 'msg_1', status: 'read' });
      await waitUntil(() => receiver.ids().has(first.id));
      await t.close();

      // Same database, allowlist removed: the saved endpoint is refused when the worker connects.
      t = await startTestApp({ WEBHOOK_RETRY_SCHEDULE: '0,0.05' }, dir);
      const second = await publish(t, 'message.status', { id: 'msg_2', status: 'read' });
      const failed = await waitUntil(async () => {
        const res = await api(t).get(`/api/webhook-endpoints/${e.id}/deliveries?status=failed`);
        return res.body.items.find((d: any) => d.eventId === second.id);
      });
      expect(failed.attemptLog[0].error).toMatch(/SSRF guard: 127\.0\.0\.1 is a loopback address/);
      expect(receiver.ids().has(second.id)).toBe(false);
    } finally {
      await t.close();
      await receiver.close();
    }
  });

  it('WEBHOOK_ALLOW_PRIVATE_NETWORKS=true allows any private target', async () => {
    const t = await startTestApp({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' });
    try {
      await api(t)
        .post('/api/webhook-endpoints', { url: 'http://169.254.169.254/hook', enabled: false })
        .expect(201);
      await api(t)
        .post('/api/webhook-endpoints', { url: 'http://127.0.0.1:9/hook', enabled: false })
        .expect(201);
    } finally {
      await t.close();
    }
  });
});
