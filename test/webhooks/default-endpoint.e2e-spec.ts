import * as fs from 'node:fs';
import * as path from 'node:path';
import { Webhook } from 'standardwebhooks';
import { generateSecret } from '../../src/webhooks/signer';
import { startTestApp, tempDir } from '../support/test-app';
import { waitUntil } from '../support/wait';
import { Receiver } from './support/receiver';
import { api, publish } from './support/webhook-helpers';

describe('default endpoint from WEBHOOK_URL', () => {
  it('WEBHOOK_URL + WEBHOOK_SECRET create an all-events endpoint that signs with that secret', async () => {
    const receiver = new Receiver();
    await receiver.listen();
    const secret = generateSecret();
    const dir = tempDir();
    const env = { WEBHOOK_URL: receiver.url, WEBHOOK_SECRET: secret, WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' };
    let t = await startTestApp(env, dir);
    try {
      const { body } = await api(t).get('/api/webhook-endpoints').expect(200);
      expect(body).toEqual([expect.objectContaining({ id: 'we_default', url: receiver.url, events: ['*'] })]);
      const event = await publish(t, 'message.received', { text: 'hi' });
      const req = await waitUntil(() => receiver.requests.find((r) => r.headers['webhook-id'] === event.id));
      expect(new Webhook(secret).verify(req.body, req.headers as Record<string, string>)).toMatchObject({
        id: event.id,
      });
      await t.close();
      // A restart keeps one default endpoint.
      t = await startTestApp(env, dir);
      expect((await api(t).get('/api/webhook-endpoints')).body).toHaveLength(1);
    } finally {
      await t.close();
      await receiver.close();
    }
  });

  it('without WEBHOOK_SECRET a secret is generated into DATA_DIR/webhook-secret', async () => {
    const dir = tempDir();
    const t = await startTestApp(
      { WEBHOOK_URL: 'http://127.0.0.1:9/hook', WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' },
      dir,
    );
    try {
      const file = path.join(dir, 'webhook-secret');
      expect(fs.readFileSync(file, 'utf8').trim()).toMatch(/^whsec_/);
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    } finally {
      await t.close();
    }
  });

  it('refuses to boot with a WEBHOOK_URL on a private network unless allowed', async () => {
    await expect(startTestApp({ WEBHOOK_URL: 'http://169.254.169.254/hook' })).rejects.toThrow(/link-local/);
  });
});
