import { sessionToForward } from '../../src/cluster/forwarding/forwarded-routes';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * Every route of a session, as registered in the running application, classified on purpose: served by any node
 * (`local`) or by the session's owner (`owner`). A new route fails this test until it is added here.
 */
const EXPECTED: Record<string, 'local' | 'owner'> = {
  'GET /api/sessions/:id': 'local',
  'DELETE /api/sessions/:id': 'owner',
  'GET /api/sessions/:id/qr': 'owner',
  'GET /api/sessions/:id/qr.png': 'owner',
  'POST /api/sessions/:id/pairing-code': 'owner',
  'POST /api/sessions/:id/logout': 'owner',
  'POST /api/sessions/:id/stop': 'owner',
  'POST /api/sessions/:id/start': 'owner',
  'POST /api/sessions/:id/restart': 'owner',
  'POST /api/sessions/:id/move': 'owner',
  'POST /api/sessions/:session/messages': 'local',
  'GET /api/sessions/:session/messages': 'local',
  'GET /api/sessions/:session/messages/:messageId': 'local',
  'PATCH /api/sessions/:session/messages/:messageId': 'owner',
  'DELETE /api/sessions/:session/messages/:messageId': 'owner',
  'GET /api/sessions/:session/messages/:messageId/media': 'local',
  'POST /api/sessions/:session/messages/:messageId/media/retry': 'owner',
  'GET /api/sessions/:session/chats': 'local',
  'GET /api/sessions/:session/chats/:chatId/messages': 'local',
  'POST /api/sessions/:session/chats/:chatId/read': 'owner',
  'POST /api/sessions/:session/chats/:chatId/presence': 'owner',
  'POST /api/sessions/:session/presence': 'owner',
  'POST /api/sessions/:session/presence/subscribe': 'owner',
  'GET /api/sessions/:session/contacts': 'local',
  'GET /api/sessions/:session/contacts/:phone': 'owner',
  'GET /api/sessions/:session/contacts/:phone/picture': 'owner',
  'POST /api/sessions/:session/contacts/:phone/block': 'owner',
  'POST /api/sessions/:session/contacts/:phone/unblock': 'owner',
  'GET /api/sessions/:session/blocklist': 'owner',
  'GET /api/sessions/:session/groups': 'owner',
  'POST /api/sessions/:session/groups': 'owner',
  'POST /api/sessions/:session/groups/join': 'owner',
  'GET /api/sessions/:session/groups/:groupId': 'owner',
  'PATCH /api/sessions/:session/groups/:groupId': 'owner',
  'POST /api/sessions/:session/groups/:groupId/participants/:action': 'owner',
  'GET /api/sessions/:session/groups/:groupId/invite': 'owner',
  'POST /api/sessions/:session/groups/:groupId/invite/revoke': 'owner',
  'POST /api/sessions/:session/groups/:groupId/leave': 'owner',
  'GET /api/sessions/:session/groups/:groupId/picture': 'owner',
  // The original REST contract's routes act on the default session.
  'GET /api/whatsapp/status': 'owner',
  'GET /api/whatsapp/qr': 'owner',
  'POST /api/whatsapp/logout': 'owner',
  'POST /api/whatsapp/send': 'owner',
  'POST /api/whatsapp/receive': 'owner',
};

interface Layer {
  route?: { path: unknown; methods: Record<string, boolean> };
}

describe('forwarding: every session route of the application is classified', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ SANDBOX: 'true' });
  });
  afterAll(() => t.close());

  it('classifies each route Express knows as the table says', () => {
    const express = t.app.getHttpAdapter().getInstance() as { router: { stack: Layer[] } };
    const actual: Record<string, 'local' | 'owner'> = {};
    const routes: string[] = [];
    for (const layer of express.router.stack) {
      if (!layer.route || typeof layer.route.path !== 'string') continue;
      for (const method of Object.keys(layer.route.methods)) {
        routes.push(`${method.toUpperCase()} ${layer.route.path}`);
        // A concrete request on that route: every parameter replaced by a plausible value.
        const path = layer.route.path.replace(/:(\w+)/g, (_, name: string) =>
          name === 'id' || name === 'session' ? 's1' : `${name}-1`,
        );
        const session = sessionToForward(method.toUpperCase(), path);
        const ofSession = /^\/api\/(sessions\/:|whatsapp\/)/.test(layer.route.path);
        if (!ofSession) {
          // Outside sessions nothing is forwarded.
          expect([layer.route.path, session]).toEqual([layer.route.path, null]);
          continue;
        }
        if (session !== null) {
          expect([layer.route.path, session]).toEqual([
            layer.route.path,
            layer.route.path.startsWith('/api/whatsapp/') ? 'default' : 's1',
          ]);
        }
        actual[`${method.toUpperCase()} ${layer.route.path}`] = session === null ? 'local' : 'owner';
      }
    }
    // The walk did see the application's routes (sessions, sandbox control, webhooks, ...).
    expect(routes).toEqual(
      expect.arrayContaining(['GET /api/sessions', 'POST /api/sessions', 'GET /health']),
    );
    expect(actual).toEqual(EXPECTED);
  });
});
