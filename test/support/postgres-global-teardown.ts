import type { TestPostgresServer } from './postgres-server';

/** Jest globalTeardown: stops the server `postgres-global-setup.ts` started (its data directory goes with it). */
export default async function postgresGlobalTeardown(): Promise<void> {
  const holder = globalThis as { testPostgres?: TestPostgresServer };
  const server = holder.testPostgres;
  if (!server) return;
  holder.testPostgres = undefined;
  delete process.env.TEST_DATABASE_URL;
  await server.stop();
}
