import { redactDatabaseUrl } from './redact-database-url';

describe('redactDatabaseUrl', () => {
  it('hides the password and keeps the rest', () => {
    expect(redactDatabaseUrl('postgres://gw:s3cret@db.internal:5432/gw?sslmode=require')).toBe(
      'postgres://gw:***@db.internal:5432/gw?sslmode=require',
    );
    expect(redactDatabaseUrl('postgresql://gw:p%40ss@db/gw')).toBe('postgresql://gw:***@db/gw');
    expect(redactDatabaseUrl('postgres://db/gw?user=gw&password=s3cret')).toBe(
      'postgres://db/gw?user=gw&password=***',
    );
  });

  it('leaves a URL without a password as it is', () => {
    expect(redactDatabaseUrl('postgres://gw@db:5432/gw')).toBe('postgres://gw@db:5432/gw');
    expect(redactDatabaseUrl('postgres://db/gw')).toBe('postgres://db/gw');
  });

  it('hides every possible part of a password that is not percent-encoded', () => {
    for (const url of [
      'postgres://gw:s@c/ret@db/gw',
      'postgres://gw:pa?ss@db/gw',
      'postgres://gw:a b@db/gw',
    ]) {
      const redacted = redactDatabaseUrl(url);
      expect(redacted).not.toMatch(/s@c|c\/ret|pa\?ss|a b/);
      expect(redacted.startsWith('postgres://gw:***@')).toBe(true);
    }
  });
});
