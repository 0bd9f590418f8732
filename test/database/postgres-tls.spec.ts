import { generate } from 'selfsigned';
import { DataSource } from 'typeorm';
import type { DatabaseSsl } from '../../src/config/database-settings';
import { describeDatabaseError } from '../../src/database/postgres/describe-database-error';
import { postgresDataSourceOptions } from '../../src/database/postgres/postgres-options';
import { startPostgresProcess } from '../support/postgres-process';
import type { TestPostgresServer } from '../support/postgres-server';

/**
 * Medium test: each DATABASE_SSL mode against a real PostgreSQL with TLS on, its certificate signed by a CA of
 * our own and issued for `localhost` only.
 */
describe('DATABASE_SSL against a PostgreSQL with TLS', () => {
  let server: TestPostgresServer;
  let ca: string;

  beforeAll(async () => {
    const authority = await generate([{ name: 'commonName', value: 'wa-gateway test CA' }], {
      keyType: 'ec',
      algorithm: 'sha256',
      curve: 'P-256',
      extensions: [
        { name: 'basicConstraints', cA: true, critical: true },
        { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
      ],
    });
    const leaf = await generate([{ name: 'commonName', value: 'localhost' }], {
      keyType: 'ec',
      algorithm: 'sha256',
      curve: 'P-256',
      ca: { key: authority.private, cert: authority.cert },
      extensions: [
        { name: 'extKeyUsage', serverAuth: true },
        { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }] },
      ],
    });
    ca = authority.cert;
    server = await startPostgresProcess({ cert: leaf.cert, key: leaf.private });
  });

  afterAll(async () => {
    await server?.stop();
  });

  /** Whether a connection made with these settings is encrypted, or the boot error it gives. */
  async function connect(host: string, ssl: DatabaseSsl, query = ''): Promise<boolean | string> {
    const url = new URL(server.url);
    url.hostname = host;
    const text = `${url.toString()}${query}`;
    const ds = new DataSource(postgresDataSourceOptions({ url: text, poolSize: 2, ssl }));
    try {
      await ds.initialize();
    } catch (err) {
      return describeDatabaseError(err, text);
    }
    try {
      const [row] = await ds.query(`SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()`);
      return row.ssl as boolean;
    } finally {
      await ds.destroy();
    }
  }

  it('disable: plain; require: encrypted, whatever the certificate', async () => {
    expect(await connect('127.0.0.1', { mode: 'disable' })).toBe(false);
    expect(await connect('127.0.0.1', { mode: 'require' })).toBe(true);
  });

  it('verify-full: encrypted to the host the certificate names, signed by the given CA', async () => {
    expect(await connect('localhost', { mode: 'verify-full', ca })).toBe(true);
    expect(await connect('127.0.0.1', { mode: 'verify-full', ca })).toMatch(
      /DATABASE_URL.*ERR_TLS_CERT_ALTNAME_INVALID, the server's certificate is not issued for this host/,
    );
    // Without our CA, the system's do not trust it.
    expect(await connect('localhost', { mode: 'verify-full' })).toMatch(
      /DATABASE_URL.*not signed by a trusted CA/,
    );
  });

  it('verify-ca: encrypted to a certificate the CA signed, whatever host it names', async () => {
    expect(await connect('127.0.0.1', { mode: 'verify-ca', ca })).toBe(true);
    expect(await connect('127.0.0.1', { mode: 'verify-ca' })).toMatch(
      /DATABASE_URL.*not signed by a trusted CA/,
    );
  });

  it('DATABASE_SSL decides, not the TLS parameters left in the URL', async () => {
    expect(await connect('127.0.0.1', { mode: 'require' }, '?sslmode=disable')).toBe(true);
    expect(await connect('127.0.0.1', { mode: 'disable' }, '?ssl=true&sslmode=verify-full')).toBe(false);
  });
});
