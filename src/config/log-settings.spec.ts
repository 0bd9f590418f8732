import { loadConfig } from './load-config';

const load = (env: Record<string, string>) =>
  loadConfig({ NODE_ENV: 'production', ...env }, '/nonexistent/.env');

describe('LOG_FORMAT, LOG_HTTP, LOG_PII', () => {
  it('default to automatic format, access lines on, personal data masked', () => {
    const config = load({});
    expect(config.LOG_FORMAT).toBeUndefined();
    expect(config.LOG_HTTP).toBe(true);
    expect(config.LOG_PII).toBe(false);
    expect(load({ LOG_FORMAT: '' }).LOG_FORMAT).toBeUndefined();
  });

  it('take json or pretty and booleans, and refuse anything else', () => {
    expect(load({ LOG_FORMAT: 'pretty', LOG_HTTP: 'false', LOG_PII: 'true' })).toMatchObject({
      LOG_FORMAT: 'pretty',
      LOG_HTTP: false,
      LOG_PII: true,
    });
    expect(() => load({ LOG_FORMAT: 'xml' })).toThrow(/LOG_FORMAT/);
    expect(() => load({ LOG_HTTP: 'sometimes' })).toThrow(/LOG_HTTP/);
    expect(() => load({ LOG_PII: 'maybe' })).toThrow(/LOG_PII/);
  });
});
