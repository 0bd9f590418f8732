import { DataSource } from 'typeorm';
import type { DatabaseSsl } from '../../src/config/database-settings';
import { describeDatabaseError } from '../../src/database/postgres/describe-database-error';
import { postgresDataSourceOptions } from '../../src/database/postgres/postgres-options';
import { closedPort } from '../support/closed-port';

/** Medium test: what a boot says when PostgreSQL cannot be used, from the errors a real server and socket give. */
describe('describeDatabaseError, on real failures', () => {
  const server = new URL(process.env.TEST_DATABASE_URL!);

  async function failure(url: string, ssl: DatabaseSsl = { mode: 'disable' }): Promise<string> {
    const ds = new DataSource(postgresDataSourceOptions({ url, poolSize: 2, ssl }));
    try {
      await ds.initialize();
    } catch (err) {
      return describeDatabaseError(err, url);
    } finally {
      if (ds.isInitialized) await ds.destroy();
    }
    throw new Error('the DataSource initialised');
  }

  it('a refused connection', async () => {
    const url = `postgres://gw:s3cret-pw@127.0.0.1:${await closedPort()}/gw`;
    const text = await failure(url);
    expect(text).toMatch(
      /^Cannot use the PostgreSQL database of DATABASE_URL \(postgres:\/\/gw:\*\*\*@127\.0\.0\.1:/,
    );
    expect(text).toContain('ECONNREFUSED');
    expect(text).not.toContain('s3cret-pw');
  });

  it('a wrong password', async () => {
    const url = new URL(server);
    url.password = 'not-the-password';
    const text = await failure(url.toString());
    expect(text).toContain('DATABASE_URL');
    expect(text).toContain('password authentication failed');
    expect(text).not.toContain('not-the-password');
  });

  it('a database that does not exist', async () => {
    const url = new URL(server);
    url.pathname = '/no_such_database';
    const text = await failure(url.toString());
    expect(text).toContain('3D000, the database does not exist');
    expect(text).not.toContain(server.password);
  });

  it('TLS required from a server without it', async () => {
    const text = await failure(server.toString(), { mode: 'require' });
    expect(text).toContain('The server does not support SSL connections');
    expect(text).not.toContain(server.password);
  });
});
