import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import * as dotenv from 'dotenv';
import * as fs from 'node:fs';
import { DataKeyError, parseDataKeys } from '../secrets/data-keys';
import { AppConfig, resolveWaVersionSetting } from './app-config';
import { mediaConfigProblem } from './media-config';
import { DatabaseSettingsError, resolveDatabaseSettings } from './database-settings';

export class ConfigError extends Error {}

/**
 * Defaults that differ in sandbox mode (SANDBOX=true), each used only when the variable is not set. Webhooks may
 * go to loopback addresses, so the built-in webhook inspector (and a receiver on this machine) work offline.
 * Media URLs follow that list as everywhere (unless MEDIA_ALLOWED_CIDRS is set): in sandbox mode every message
 * goes to simulated contacts, so a local URL's content cannot leave the machine.
 */
export const SANDBOX_DEFAULTS: Partial<Record<keyof AppConfig, string>> = {
  WEBHOOK_ALLOWED_CIDRS: '127.0.0.0/8,::1/128',
};

function describe(errors: ValidationError[]): string {
  return errors
    .map((e) => `${e.property}: ${Object.values(e.constraints ?? {}).join('; ') || 'invalid value'}`)
    .join('\n');
}

/**
 * Reads the configuration once: the given environment (default `process.env`), over `.env` if present, over
 * the sandbox mode's defaults when SANDBOX=true, over the defaults of `AppConfig`. Throws a ConfigError naming every bad variable.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, envFile = '.env'): AppConfig {
  const fromFile = fs.existsSync(envFile) ? dotenv.parse(fs.readFileSync(envFile)) : {};
  const known = Object.keys(new AppConfig());
  const raw: Record<string, unknown> = {};
  for (const key of known) {
    const value = env[key] ?? fromFile[key];
    if (value !== undefined) raw[key] = value;
  }
  if (plainToInstance(AppConfig, { SANDBOX: raw.SANDBOX }).SANDBOX === true) {
    for (const [key, value] of Object.entries(SANDBOX_DEFAULTS)) if (raw[key] === undefined) raw[key] = value;
  }
  const config = plainToInstance(AppConfig, raw, { exposeDefaultValues: true });
  const errors = validateSync(config, { whitelist: true, forbidUnknownValues: false });
  if (errors.length) throw new ConfigError(`Invalid configuration:\n${describe(errors)}`);
  const mediaProblem = mediaConfigProblem(config);
  if (mediaProblem) throw new ConfigError(`Invalid configuration:\n${mediaProblem}`);
  try {
    parseDataKeys(config.DATA_ENCRYPTION_KEY, config.DATA_ENCRYPTION_OLD_KEYS);
    config.database = resolveDatabaseSettings(config);
  } catch (err) {
    if (err instanceof DataKeyError || err instanceof DatabaseSettingsError) {
      throw new ConfigError(`Invalid configuration:\n${err.message}`);
    }
    throw err;
  }
  // Tests build their environment by hand; NODE_ENV=test (set by Jest) still means "never fetch a version".
  config.WA_VERSION = resolveWaVersionSetting(config, env.NODE_ENV ?? process.env.NODE_ENV);
  return config;
}
