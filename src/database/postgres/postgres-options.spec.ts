import { types } from 'pg';
import { MIGRATIONS } from '../migrations';
import { POSTGRES_MIGRATIONS } from './migrations';
import { pgSslOptions, postgresDataSourceOptions, withoutTlsParams } from './postgres-options';

describe('postgresDataSourceOptions', () => {
  it('describes a PostgreSQL pool of the given size that never migrates or synchronizes by itself', () => {
    const options = postgresDataSourceOptions({
      url: 'postgres://gw:pw@db:5432/gw?sslmode=require&application_name=x',
      poolSize: 7,
      ssl: { mode: 'require' },
    });
    expect(options).toMatchObject({
      type: 'postgres',
      url: 'postgres://gw:pw@db:5432/gw?application_name=x',
      ssl: { rejectUnauthorized: false },
      extra: { max: 7 },
      migrations: POSTGRES_MIGRATIONS,
      migrationsRun: false,
      synchronize: false,
    });
  });

  it('parses int8 as a JS number, as SQLite gives it, and refuses one beyond 2^53', () => {
    const parse = types.getTypeParser(types.builtins.INT8, 'text');
    expect(parse('1764000000123')).toBe(1764000000123);
    expect(() => parse('9007199254740993')).toThrow(/beyond 2\^53/);
  });

  it('has a PostgreSQL migration for every schema change after the initial one', () => {
    // The initial PostgreSQL schema is SQLite's after its 7th migration; a later SQLite migration needs a twin.
    const after = MIGRATIONS.map((m) => Number(m.name.slice(-13))).filter((t) => t > 1764000007000);
    const twins = POSTGRES_MIGRATIONS.map((m) => Number(m.name.slice(-13)));
    expect(after.filter((t) => !twins.some((p) => p >= t))).toEqual([]);
  });
});

describe('withoutTlsParams', () => {
  it('drops what would override DATABASE_SSL and keeps the rest', () => {
    expect(withoutTlsParams('postgres://gw:pw@db/gw')).toBe('postgres://gw:pw@db/gw');
    expect(withoutTlsParams('postgres://gw:pw@db/gw?sslmode=verify-full&sslrootcert=/ca.pem')).toBe(
      'postgres://gw:pw@db/gw',
    );
    expect(withoutTlsParams('postgres://gw:pw@db/gw?ssl=true&options=-c%20search_path%3Dgw')).toBe(
      'postgres://gw:pw@db/gw?options=-c+search_path%3Dgw',
    );
  });
});

describe('pgSslOptions', () => {
  it('maps each mode as libpq does', () => {
    expect(pgSslOptions({ mode: 'disable' })).toBe(false);
    expect(pgSslOptions({ mode: 'require' })).toEqual({ rejectUnauthorized: false });
    expect(pgSslOptions({ mode: 'verify-full', ca: 'PEM' })).toEqual({ rejectUnauthorized: true, ca: 'PEM' });
    expect(pgSslOptions({ mode: 'verify-full' })).toEqual({ rejectUnauthorized: true, ca: undefined });
    const verifyCa = pgSslOptions({ mode: 'verify-ca', ca: 'PEM' });
    expect(verifyCa).toMatchObject({ rejectUnauthorized: true, ca: 'PEM' });
    // verify-ca trusts the CA whatever host name the certificate names
    expect((verifyCa as { checkServerIdentity: () => unknown }).checkServerIdentity()).toBeUndefined();
  });
});
