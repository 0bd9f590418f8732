import { DatabaseSettingsError, DatabaseVariables, resolveDatabaseSettings } from './database-settings';
import { loadConfig } from './load-config';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const files: Record<string, string> = { '/etc/ssl/db-ca.pem': PEM, '/etc/ssl/not-a-cert.txt': 'hello' };
const readFile = (path: string) => {
  if (path in files) return files[path];
  throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
};
const resolve = (vars: Partial<DatabaseVariables>) =>
  resolveDatabaseSettings({ DATABASE_PATH: 'data/app.db', DATABASE_POOL_SIZE: 10, ...vars }, readFile);
const problem = (vars: Partial<DatabaseVariables>) => {
  try {
    resolve(vars);
  } catch (err) {
    expect(err).toBeInstanceOf(DatabaseSettingsError);
    return (err as Error).message;
  }
  throw new Error('accepted');
};

describe('resolveDatabaseSettings', () => {
  it('is SQLite at DATABASE_PATH without DATABASE_URL', () => {
    expect(resolve({})).toEqual({ engine: 'sqlite', path: 'data/app.db' });
    expect(resolve({ DATABASE_PATH: '/var/lib/gw/gw.db' })).toEqual({
      engine: 'sqlite',
      path: '/var/lib/gw/gw.db',
    });
  });

  it('is PostgreSQL for a postgres:// or postgresql:// URL, TLS off by default', () => {
    expect(resolve({ DATABASE_URL: 'postgres://gw:s3cret@db:5432/gw', DATABASE_POOL_SIZE: 4 })).toEqual({
      engine: 'postgres',
      url: 'postgres://gw:s3cret@db:5432/gw',
      poolSize: 4,
      ssl: { mode: 'disable' },
    });
    expect(resolve({ DATABASE_URL: 'postgresql://gw@db/gw' })).toMatchObject({ engine: 'postgres' });
    expect(resolve({ DATABASE_URL: 'POSTGRES://gw@db/gw' })).toMatchObject({ engine: 'postgres' });
  });

  it('refuses another scheme or a broken URL, naming DATABASE_URL but never the password', () => {
    for (const url of [
      'mysql://root:s3cret@db/gw',
      's3cret',
      'postgres://gw:s3cret@[db/gw',
      'postgres:///gw',
    ]) {
      const message = problem({ DATABASE_URL: url });
      expect(message).toMatch(/^DATABASE_URL: /);
      expect(message).not.toContain('s3cret');
    }
    expect(problem({ DATABASE_URL: 'mysql://root:s3cret@db/gw' })).toContain('postgres:// or postgresql://');
    expect(problem({ DATABASE_URL: 'postgres:///gw' })).toContain('names no host');
  });

  it('takes TLS from DATABASE_SSL, else from the URL (sslmode, or ssl=true)', () => {
    const url = 'postgres://gw@db/gw';
    expect(resolve({ DATABASE_URL: url, DATABASE_SSL: 'require' })).toMatchObject({
      ssl: { mode: 'require' },
    });
    expect(resolve({ DATABASE_URL: `${url}?sslmode=verify-full` })).toMatchObject({
      ssl: { mode: 'verify-full' },
    });
    expect(resolve({ DATABASE_URL: `${url}?ssl=true` })).toMatchObject({ ssl: { mode: 'require' } });
    expect(resolve({ DATABASE_URL: `${url}?sslmode=require`, DATABASE_SSL: 'disable' })).toMatchObject({
      ssl: { mode: 'disable' },
    });
    expect(problem({ DATABASE_URL: url, DATABASE_SSL: 'on' })).toBe(
      'DATABASE_SSL: must be one of disable, require, verify-ca, verify-full',
    );
    expect(problem({ DATABASE_URL: `${url}?sslmode=prefer` })).toMatch(
      /^DATABASE_URL: sslmode=prefer is not/,
    );
    // DATABASE_SSL decides: the URL's sslmode is not even looked at.
    expect(resolve({ DATABASE_URL: `${url}?sslmode=prefer`, DATABASE_SSL: 'require' })).toMatchObject({
      ssl: { mode: 'require' },
    });
  });

  it('reads the CA file at boot, from DATABASE_SSL_CA or the URL sslrootcert, for verify-ca and verify-full only', () => {
    const url = 'postgres://gw@db/gw';
    expect(
      resolve({ DATABASE_URL: url, DATABASE_SSL: 'verify-full', DATABASE_SSL_CA: '/etc/ssl/db-ca.pem' }),
    ).toMatchObject({ ssl: { mode: 'verify-full', ca: PEM } });
    expect(
      resolve({ DATABASE_URL: `${url}?sslmode=verify-ca&sslrootcert=/etc/ssl/db-ca.pem` }),
    ).toMatchObject({
      ssl: { mode: 'verify-ca', ca: PEM },
    });
    expect(problem({ DATABASE_URL: url, DATABASE_SSL: 'verify-full', DATABASE_SSL_CA: '/nope.pem' })).toBe(
      'DATABASE_SSL_CA: cannot read /nope.pem (ENOENT)',
    );
    expect(
      problem({ DATABASE_URL: url, DATABASE_SSL: 'verify-ca', DATABASE_SSL_CA: '/etc/ssl/not-a-cert.txt' }),
    ).toBe('DATABASE_SSL_CA: /etc/ssl/not-a-cert.txt holds no PEM certificate');
    expect(
      problem({ DATABASE_URL: url, DATABASE_SSL: 'require', DATABASE_SSL_CA: '/etc/ssl/db-ca.pem' }),
    ).toMatch(/^DATABASE_SSL_CA: a CA file is used only with DATABASE_SSL=verify-ca or verify-full/);
  });
});

describe('loadConfig: database', () => {
  const load = (env: Record<string, string>) => loadConfig(env, '/nonexistent/.env');

  it('exposes the engine and keeps DATABASE_PATH working', () => {
    expect(load({}).database).toEqual({ engine: 'sqlite', path: 'data/app.db' });
    expect(load({ DATABASE_PATH: 'x/y.db', DATABASE_URL: '' }).database).toEqual({
      engine: 'sqlite',
      path: 'x/y.db',
    });
    expect(load({ DATABASE_URL: 'postgres://gw:pw@db/gw' }).database).toEqual({
      engine: 'postgres',
      url: 'postgres://gw:pw@db/gw',
      poolSize: 10,
      ssl: { mode: 'disable' },
    });
  });

  it('stops the boot on a bad value, naming the variable', () => {
    expect(() => load({ DATABASE_URL: 'mysql://root:s3cret@db/gw' })).toThrow(
      /^Invalid configuration:\nDATABASE_URL: must be a postgres:\/\/ or postgresql:\/\/ URL/,
    );
    expect(() => load({ DATABASE_URL: 'mysql://root:s3cret@db/gw' })).not.toThrow(/s3cret/);
    expect(() => load({ DATABASE_URL: 'postgres://db/gw', DATABASE_POOL_SIZE: '1' })).toThrow(
      /DATABASE_POOL_SIZE/,
    );
    expect(() => load({ DATABASE_URL: 'postgres://db/gw', DATABASE_POOL_SIZE: 'many' })).toThrow(
      /DATABASE_POOL_SIZE/,
    );
  });
});
