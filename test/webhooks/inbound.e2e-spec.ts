import { EventEmitter2 } from '@nestjs/event-emitter';
import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { INBOUND_WEBHOOK_EVENT } from '../../src/webhooks/inbound/inbound-webhooks.service';
import { startTestApp, TestApp } from '../support/test-app';
import { api, expectErrorShape } from './support/webhook-helpers';

const seedBody = { from: '6281234567890', message: 'Hello API', timestamp: 1623456789 };

describe('inbound webhook (POST /api/webhook)', () => {
  describe('without INBOUND_WEBHOOK_SECRET', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp();
    });
    afterAll(() => t.close());

    it('answers the seed shape, stores it, lists it and emits webhook.inbound', async () => {
      const seen: any[] = [];
      t.app.get(EventEmitter2).on(INBOUND_WEBHOOK_EVENT, (v) => seen.push(v));
      const res = await api(t).post('/api/webhook', seedBody).expect(200);
      expect(res.body).toEqual({ status: 'success', message: 'Webhook received' });
      const list = await api(t).get('/api/webhook/inbound').expect(200);
      expect(list.body.items[0]).toMatchObject({ ...seedBody, verifiedBy: 'api-key' });
      expect(list.body.items[0].id).toMatch(/^inb_/);
      expect(seen).toHaveLength(1);
      expect(seen[0]).toMatchObject(seedBody);
    });

    it('needs the API key, and validates the body without echoing it', async () => {
      await t.http().post('/api/webhook').send(seedBody).expect(401);
      const bad = await api(t).post('/api/webhook', { from: 'SECRET-FROM', message: 42 }).expect(400);
      expectErrorShape(bad.body);
      expect(JSON.stringify(bad.body)).not.toContain('SECRET-FROM');
    });
  });

  describe('with INBOUND_WEBHOOK_SECRET', () => {
    const secret = 'inbound-shared-secret-0123456789';
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ INBOUND_WEBHOOK_SECRET: secret });
    });
    afterAll(() => t.close());
    const raw = JSON.stringify(seedBody);
    const post = () => t.http().post('/api/webhook').set('Content-Type', 'application/json');

    it('refuses unsigned requests (even with the API key) and wrong signatures with 401', async () => {
      const unsigned = await post().set('X-API-Key', t.apiKey).send(raw).expect(401);
      expectErrorShape(unsigned.body);
      const wrongHub = 'sha256=' + createHmac('sha256', 'another-secret-entirely').update(raw).digest('hex');
      await post().set('X-Hub-Signature-256', wrongHub).send(raw).expect(401);
      const now = new Date();
      const wrongStd = new Webhook('another-secret-entirely', { format: 'raw' }).sign('msg_1', now, raw);
      await post()
        .set('webhook-id', 'msg_1')
        .set('webhook-timestamp', String(Math.floor(now.getTime() / 1000)))
        .set('webhook-signature', wrongStd)
        .send(raw)
        .expect(401);
      // A valid signature over a different body does not carry over.
      const good = 'sha256=' + createHmac('sha256', secret).update(raw).digest('hex');
      await post().set('X-Hub-Signature-256', good).send(raw.replace('Hello', 'Hallo')).expect(401);
    });

    it('accepts X-Hub-Signature-256 and Standard Webhooks signatures over the raw body', async () => {
      const hub = 'sha256=' + createHmac('sha256', secret).update(raw).digest('hex');
      const res = await post().set('X-Hub-Signature-256', hub).send(raw).expect(200);
      expect(res.body).toEqual({ status: 'success', message: 'Webhook received' });
      const now = new Date();
      const std = new Webhook(secret, { format: 'raw' }).sign('msg_2', now, raw);
      await post()
        .set('webhook-id', 'msg_2')
        .set('webhook-timestamp', String(Math.floor(now.getTime() / 1000)))
        .set('webhook-signature', std)
        .send(raw)
        .expect(200);
      const list = await api(t).get('/api/webhook/inbound?limit=1').expect(200);
      expect(list.body.items[0].verifiedBy).toBe('standard-webhooks');
      expect(list.body.nextCursor).not.toBeNull();
    });
  });
});
