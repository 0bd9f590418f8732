import { toLogRecord } from './log-record';

describe('toLogRecord', () => {
  it('makes the context and a leading [session] fields', () => {
    expect(toLogRecord('log', '[sales] QR ready: waiting for a scan', ['SessionManager'])).toEqual({
      level: 'info',
      fields: { context: 'SessionManager', session: 'sales' },
      msg: 'QR ready: waiting for a scan',
    });
  });

  it("maps Nest's levels onto pino's", () => {
    expect(toLogRecord('verbose', 'x', []).level).toBe('trace');
    expect(toLogRecord('debug', 'x', []).level).toBe('debug');
    expect(toLogRecord('warn', 'x', []).level).toBe('warn');
    expect(toLogRecord('fatal', 'x', []).level).toBe('fatal');
  });

  it('keeps the stack of an error(message, stack, context) call', () => {
    const stack = 'Error: boom\n    at x (file.ts:1:1)';
    expect(toLogRecord('error', 'Unhandled error', [stack, 'ExceptionsHandler'])).toEqual({
      level: 'error',
      fields: { context: 'ExceptionsHandler', stack },
      msg: 'Unhandled error',
    });
    expect(toLogRecord('error', 'failed', [undefined, 'X']).fields).toEqual({ context: 'X' });
  });

  it('spreads an object message into fields and takes an Error as err', () => {
    expect(toLogRecord('debug', { msg: '[s1] reply', text: 'hi' }, ['AutoReply'])).toEqual({
      level: 'debug',
      fields: { context: 'AutoReply', session: 's1', text: 'hi' },
      msg: 'reply',
    });
    const err = new Error('nope');
    expect(toLogRecord('error', err, ['X'])).toEqual({
      level: 'error',
      fields: { context: 'X', err },
      msg: 'nope',
    });
  });

  it("writes Nest's route mapping and module loading at debug level", () => {
    expect(toLogRecord('log', 'Mapped {/api/info, GET} route', ['RouterExplorer']).level).toBe('debug');
    expect(toLogRecord('log', 'InfoController {/api/info}:', ['RoutesResolver']).level).toBe('debug');
    expect(toLogRecord('log', 'AppModule dependencies initialized', ['InstanceLoader']).level).toBe('debug');
    expect(toLogRecord('warn', 'something', ['RouterExplorer']).level).toBe('warn');
  });
});
