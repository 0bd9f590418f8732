import { Boom } from '@hapi/boom';
import { ConnectionLost } from '../engine-errors';
import { rethrowAsEngineError, toEngineError } from './engine-error';

describe('toEngineError', () => {
  it('maps a closed (428) or timed-out (408) connection to ConnectionLost, keeping the message', () => {
    for (const code of [428, 408]) {
      const boom = new Boom('Connection Closed', { statusCode: code });
      const mapped = toEngineError(boom);
      expect(mapped).toBeInstanceOf(ConnectionLost);
      expect((mapped as Error).message).toBe('Connection Closed');
      expect((mapped as Error).cause).toBe(boom);
    }
  });

  it('maps connection errors known by their message only', () => {
    for (const message of [
      'Connection lost: the engine thread exited',
      'Connection not open',
      'connection closed',
    ])
      expect(toEngineError(new Error(message))).toBeInstanceOf(ConnectionLost);
  });

  it('returns any other error as it is', () => {
    const refused = new Boom('forbidden', { statusCode: 403 });
    expect(toEngineError(refused)).toBe(refused);
    const plain = new Error('WhatsApp did not accept the message');
    expect(toEngineError(plain)).toBe(plain);
    expect(toEngineError(undefined)).toBeUndefined();
  });

  it('rethrows the mapped error', () => {
    expect(() => rethrowAsEngineError(new Boom('x', { statusCode: 428 }))).toThrow(ConnectionLost);
  });
});
