import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigError, loadConfig } from './config/load-config';
import { startApp } from './create-app';
import { StoredSecretsError } from './secrets/stored-secrets-check';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  await startApp(config);
  // Nest's shutdown hooks stop accepting connections, let in-flight work finish, end WhatsApp connections
  // (without logging out) and close the database. If that hangs, leave anyway after SHUTDOWN_TIMEOUT_MS.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      new Logger('Shutdown').log(`${signal} received: finishing in-flight work`);
      setTimeout(() => {
        new Logger('Shutdown').error(`Still busy after ${config.SHUTDOWN_TIMEOUT_MS} ms; exiting`);
        process.exit(1);
      }, config.SHUTDOWN_TIMEOUT_MS).unref();
    });
  }
}

main().catch((err) => {
  if (err instanceof StoredSecretsError) {
    console.error(`Failed to start: ${err.message}`);
    process.exit(78); // EX_CONFIG: the data keys do not match the stored secrets
  }
  console.error('Failed to start:', err);
  process.exit(1);
});
