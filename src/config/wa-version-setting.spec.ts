import { loadConfig } from './load-config';

const load = (env: Record<string, string>, nodeEnv = 'production') =>
  loadConfig({ NODE_ENV: nodeEnv, ...env }, '/nonexistent/.env');

describe('WA_VERSION', () => {
  it('is auto against WhatsApp itself, builtin in sandbox mode, towards another WebSocket URL and in tests', () => {
    expect(load({}).WA_VERSION).toBe('auto');
    expect(load({ SANDBOX: 'true' }).WA_VERSION).toBe('builtin');
    expect(load({ WA_WEBSOCKET_URL: 'ws://127.0.0.1:1/ws/chat' }).WA_VERSION).toBe('builtin');
    expect(load({}, 'test').WA_VERSION).toBe('builtin');
  });

  it('takes auto, builtin or a pinned version, and refuses anything else', () => {
    expect(load({ WA_VERSION: '2.3000.1023456789', SANDBOX: 'true' }).WA_VERSION).toBe('2.3000.1023456789');
    expect(load({ WA_VERSION: 'auto' }, 'test').WA_VERSION).toBe('auto');
    expect(() => load({ WA_VERSION: 'latest' })).toThrow(/WA_VERSION must be auto, builtin or a version/);
    expect(() => load({ SANDBOX_MIN_WA_VERSION: '2.3000' })).toThrow(/SANDBOX_MIN_WA_VERSION/);
  });
});
