import type { NestExpressApplication } from '@nestjs/platform-express';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import request from 'supertest';
import { AppConfig } from '../../src/config/app-config';
import { loadConfig } from '../../src/config/load-config';
import type { SessionOwners } from '../../src/cluster/session-owners';
import { createApp } from '../../src/create-app';
import { databaseEnv } from './test-engine';

export const TEST_API_KEY = 'test-api-key-0123456789abcdef';

export interface TestApp {
  app: NestExpressApplication;
  config: AppConfig;
  dir: string;
  url: string;
  apiKey: string;
  /** supertest bound to the running server */
  http: () => ReturnType<typeof request>;
  close: () => Promise<void>;
}

export function tempDir(prefix = 'gw-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * Boots the real application (same factory as main.ts) on a real SQLite file in `dir` (or a PostgreSQL
 * database of its own, see `test-engine.ts`) and a random port.
 * Pass the same `dir` again to simulate a restart on the same database; `host` is the address it listens on
 * (`url` is always its loopback address); `sessionOwners` stands in for the cluster's (a node told that another
 * node owns a session).
 */
export async function startTestApp(
  env: Record<string, string> = {},
  dir = tempDir(),
  { host = '127.0.0.1', sessionOwners }: { host?: string; sessionOwners?: SessionOwners } = {},
): Promise<TestApp> {
  const config = loadConfig(
    {
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dir,
      ...(await databaseEnv(dir)),
      API_KEY: TEST_API_KEY,
      LOG_LEVEL: 'error',
      // /health's heap check would measure this Jest worker, which holds every earlier test file's leftovers.
      HEALTH_HEAP_LIMIT_MB: '65536',
      ...env,
    },
    path.join(dir, '.env-none'),
  );
  const app = await createApp(config, { sessionOwners });
  await app.listen(0, host);
  const address = app.getHttpServer().address() as import('node:net').AddressInfo;
  const url = `http://127.0.0.1:${address.port}`;
  return {
    app,
    config,
    dir,
    url,
    apiKey: config.API_KEY ?? '',
    http: () => request(app.getHttpServer()),
    close: () => app.close(),
  };
}
