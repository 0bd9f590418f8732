import 'reflect-metadata';
import { ConfigError, loadConfig } from './config/load-config';
import { startApp } from './create-app';

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
}

main().catch((err) => {
  console.error('Failed to start:', err);
  process.exit(1);
});
