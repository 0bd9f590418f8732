import * as path from 'node:path';
import { loadConfig } from './load-config';

const NO_FILE = path.join(__dirname, 'no-such.env');

describe('loadConfig: sandbox mode defaults', () => {
  it('allows loopback webhook addresses in sandbox mode only', () => {
    expect(loadConfig({ SANDBOX: 'true' }, NO_FILE).WEBHOOK_ALLOWED_CIDRS).toBe('127.0.0.0/8,::1/128');
    expect(loadConfig({ SANDBOX: '1' }, NO_FILE).WEBHOOK_ALLOWED_CIDRS).toBe('127.0.0.0/8,::1/128');
    expect(loadConfig({}, NO_FILE).WEBHOOK_ALLOWED_CIDRS).toBe('');
    expect(loadConfig({ SANDBOX: 'false' }, NO_FILE).WEBHOOK_ALLOWED_CIDRS).toBe('');
  });

  it('keeps what the operator set, even empty', () => {
    expect(
      loadConfig({ SANDBOX: 'true', WEBHOOK_ALLOWED_CIDRS: '10.0.0.0/8' }, NO_FILE).WEBHOOK_ALLOWED_CIDRS,
    ).toBe('10.0.0.0/8');
    expect(loadConfig({ SANDBOX: 'true', WEBHOOK_ALLOWED_CIDRS: '' }, NO_FILE).WEBHOOK_ALLOWED_CIDRS).toBe(
      '',
    );
  });
});
