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
  ])('code %i -> %s', (code, kind) => {
    expect(classifyClose(boom(code), false).kind).toBe(kind);
  });

  it('tells an expired QR from a lost connection (both 408)', () => {
    expect(classifyClose(boom(408, 'QR refs attempts ended'), false).kind).toBe('qr_expired');
    expect(classifyClose(boom(408, 'Connection was lost'), false).kind).toBe('transient');
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
