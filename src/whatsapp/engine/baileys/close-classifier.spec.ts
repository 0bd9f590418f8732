import { Boom } from '@hapi/boom';
import { classifyClose } from './close-classifier';

const boom = (code: number, message = 'x') => new Boom(message, { statusCode: code });

describe('classifyClose', () => {
  it.each([
    [515, 'restart_required'],
    [401, 'logged_out'],
    [403, 'logged_out'],
    [440, 'connection_replaced'],
    [428, 'transient'],
    [500, 'transient'],
    [503, 'transient'],
    [402, 'banned'],
    [405, 'client_outdated'],
  ])('code %i -> %s', (code, kind) => {
    expect(classifyClose(boom(code), false).kind).toBe(kind);
  });

  it('tells an expired QR from a lost connection (both 408)', () => {
    expect(classifyClose(boom(408, 'QR refs attempts ended'), false).kind).toBe('qr_expired');
    expect(classifyClose(boom(408, 'Connection was lost'), false).kind).toBe('transient');
  });

  it('says how WhatsApp could not be reached, whatever code Baileys derived from the socket error', () => {
    const wsError = (err: Error & { code?: string }, code: number) =>
      new Boom(`WebSocket Error (${err.message})`, { statusCode: code, data: err });
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    const dns = Object.assign(new Error('getaddrinfo ENOTFOUND web.whatsapp.com'), { code: 'ENOTFOUND' });
    expect(classifyClose(wsError(refused, 408), false)).toEqual({
      kind: 'unreachable',
      code: 408,
      message: 'ECONNREFUSED 127.0.0.1:1',
    });
    expect(classifyClose(wsError(dns, 408), false).message).toBe('ENOTFOUND web.whatsapp.com');
    // A proxy or firewall answering the upgrade with 403 is not a logout.
    const proxy = wsError(new Error('Unexpected server response: 403'), 403);
    expect(classifyClose(proxy, false)).toMatchObject({
      kind: 'unreachable',
      message: 'Unexpected server response: 403',
    });
    expect(classifyClose(wsError(new Error('Opening handshake has timed out'), 408), false).kind).toBe(
      'unreachable',
    );
  });

  it('an intentional stop wins over the code', () => {
    expect(classifyClose(boom(428), true).kind).toBe('stopped');
    expect(classifyClose(undefined, false)).toEqual({
      kind: 'transient',
      code: null,
      message: 'connection closed',
    });
  });
});
