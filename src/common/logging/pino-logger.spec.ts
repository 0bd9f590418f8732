import { Writable } from 'node:stream';
import { createPinoLogger, resolveLogFormat } from './pino-logger';
import { PinoLoggerService } from './pino-logger.service';
import { waitUntil } from '../../../test/support/wait';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, stream, json: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('createPinoLogger', () => {
  it('writes one JSON object per line, with level label, ISO time, context and session fields', () => {
    const out = capture();
    const service = new PinoLoggerService(
      createPinoLogger({ level: 'info', format: 'json', pii: false }, out.stream),
    );
    service.log('[default] linked to 6280000000001', 'SessionManager');
    service.debug('not written', 'X');
    const [line] = out.json();
    expect(out.lines).toHaveLength(1);
    expect(line).toMatchObject({
      level: 'info',
      context: 'SessionManager',
      session: 'default',
      msg: 'linked to 62800****0001',
    });
    expect(new Date(line.time as string).toISOString()).toBe(line.time);
  });

  it('masks and redacts whatever a caller passes straight to pino', () => {
    const out = capture();
    const root = createPinoLogger({ level: 'debug', format: 'json', pii: false }, out.stream);
    root.debug({ jid: '6281234567890@s.whatsapp.net', text: 'hello there' }, 'to %s', '6289876543210');
    const raw = out.lines.join('\n');
    expect(raw).not.toMatch(/6281234567890|6289876543210|hello there/);
    expect(out.json()[0]).toMatchObject({
      jid: '62812****7890@s.whatsapp.net',
      text: '[redacted]',
      msg: 'to 62898****3210',
    });
  });

  it('keeps numbers and texts with LOG_PII', () => {
    const out = capture();
    const root = createPinoLogger({ level: 'info', format: 'json', pii: true }, out.stream);
    root.info({ text: 'hello' }, 'to 6281234567890');
    expect(out.json()[0]).toMatchObject({ text: 'hello', msg: 'to 6281234567890' });
  });

  it('honours setLogLevels', () => {
    const out = capture();
    const service = new PinoLoggerService(
      createPinoLogger({ level: 'info', format: 'json', pii: false }, out.stream),
    );
    service.setLogLevels(['error', 'warn', 'log', 'debug']);
    expect(service.isLevelEnabled('debug')).toBe(true);
    expect(service.isLevelEnabled('verbose')).toBe(false);
    service.setLogLevels(['error']);
    service.warn('dropped');
    expect(out.lines).toHaveLength(0);
  });
});

describe('createPinoLogger, pretty', () => {
  it('writes a readable line with context and session, masked the same way', async () => {
    const out = capture();
    const service = new PinoLoggerService(
      createPinoLogger({ level: 'info', format: 'pretty', pii: false }, out.stream),
    );
    service.log('[sales] connected as 6281234567890', 'SessionManager');
    await waitUntil(() => out.lines.length > 0, { what: 'the pretty line' });
    expect(out.lines[0]).toMatch(/INFO: \[SessionManager\] \[sales\] connected as 62812\*\*\*\*7890$/);
    expect(() => JSON.parse(out.lines[0])).toThrow();
  });
});

describe('resolveLogFormat', () => {
  it('follows the setting, else JSON off a terminal and pretty on one', () => {
    expect(resolveLogFormat('json', true)).toBe('json');
    expect(resolveLogFormat('pretty', false)).toBe('pretty');
    expect(resolveLogFormat(undefined, false)).toBe('json');
    expect(resolveLogFormat(undefined, true)).toBe('pretty');
  });
});
