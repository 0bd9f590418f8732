import { startTestPostgres, TestPostgresServer } from './postgres-server';

/**
 * Jest globalSetup: the PostgreSQL server of the run, unless TEST_DATABASE_URL names one already (a superuser's
 * URL: each test file creates and drops a database of its own there, see `freshPostgresDatabase`). The URL
 * reaches the workers through TEST_DATABASE_URL; `postgres-global-teardown.ts` stops the server.
 */
export default async function postgresGlobalSetup(): Promise<void> {
  if (process.env.TEST_DATABASE_URL) return;
  const server = await startTestPostgres();
  (globalThis as { testPostgres?: TestPostgresServer }).testPostgres = server;
  process.env.TEST_DATABASE_URL = server.url;
}
