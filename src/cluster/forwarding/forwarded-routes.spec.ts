import { sessionToForward } from './forwarded-routes';

describe('sessionToForward', () => {
  it('keeps what any node serves from the database here', () => {
    for (const [method, path] of [
      ['GET', '/api/sessions/s1'],
      ['HEAD', '/api/sessions/s1'],
      ['POST', '/api/sessions/s1/messages'],
      ['GET', '/api/sessions/s1/messages'],
      ['GET', '/api/sessions/s1/messages/msg_1'],
      ['GET', '/api/sessions/s1/messages/msg_1/media'],
      ['GET', '/api/sessions/s1/chats'],
      ['GET', '/api/sessions/s1/chats/6281234567890@s.whatsapp.net/messages'],
      ['GET', '/api/sessions/s1/contacts'],
    ]) {
      expect([method, path, sessionToForward(method, path)]).toEqual([method, path, null]);
    }
  });

  it('sends the rest of a session to its owner', () => {
    for (const [method, path] of [
      ['DELETE', '/api/sessions/s1'],
      ['GET', '/api/sessions/s1/qr'],
      ['POST', '/api/sessions/s1/logout'],
      ['PATCH', '/api/sessions/s1/messages/msg_1'],
      ['DELETE', '/api/sessions/s1/messages/msg_1'],
      ['POST', '/api/sessions/s1/messages/msg_1/media/retry'],
      ['GET', '/api/sessions/s1/contacts/6281234567890'],
      ['GET', '/api/sessions/s1/groups'],
      ['POST', '/api/sessions/s1/move'],
      ['GET', '/api/sessions/s1/some-future-route'],
    ]) {
      expect([method, path, sessionToForward(method, path)]).toEqual([method, path, 's1']);
    }
  });

  it('matches the way Express routes: any case, a trailing slash, the decoded session id', () => {
    expect(sessionToForward('GET', '/API/Sessions/s1/QR')).toBe('s1');
    expect(sessionToForward('GET', '/api/sessions/s1/qr/')).toBe('s1');
    expect(sessionToForward('GET', '/API/SESSIONS/s1/Messages/')).toBeNull();
    expect(sessionToForward('GET', '/api/sessions/s1/')).toBeNull();
    expect(sessionToForward('POST', '/api/sessions/a%20b/logout')).toBe('a b');
    expect(sessionToForward('POST', '/api/sessions/%E0%A4%A/logout')).toBeNull();
  });

  it('sends the seed routes to the owner of the default session', () => {
    expect(sessionToForward('GET', '/api/whatsapp/status')).toBe('default');
    expect(sessionToForward('POST', '/api/whatsapp/send')).toBe('default');
    expect(sessionToForward('GET', '/api/whatsappx')).toBeNull();
  });

  it('leaves preflights, the session list and other resources alone', () => {
    expect(sessionToForward('OPTIONS', '/api/sessions/s1/qr')).toBeNull();
    expect(sessionToForward('GET', '/api/sessions')).toBeNull();
    expect(sessionToForward('POST', '/api/sessions/')).toBeNull();
    expect(sessionToForward('GET', '/api/webhook-endpoints/e1')).toBeNull();
  });
});
