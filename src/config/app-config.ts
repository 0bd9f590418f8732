import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Max, Min, MinLength } from 'class-validator';

const toBool = ({ value }: { value: unknown }) =>
  value === undefined || value === ''
    ? undefined
    : ['true', '1', 'yes', 'on'].includes(String(value).toLowerCase())
      ? true
      : ['false', '0', 'no', 'off'].includes(String(value).toLowerCase())
        ? false
        : value;
const toInt = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : /^-?\d+$/.test(String(value)) ? Number(value) : value;
const toOptionalString = ({ value }: { value: unknown }) => (value === '' ? undefined : value);

export const LOG_LEVELS = ['error', 'warn', 'log', 'debug', 'verbose'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Every setting of the gateway. Each property is named after its environment variable (see `.env.example`);
 * `loadConfig()` is the only place that reads `process.env`. Defaults live here and nowhere else.
 */
export class AppConfig {
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 5000;

  @IsString()
  HOST = '0.0.0.0';

  @Transform(toOptionalString)
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'API_KEY must be at least 16 characters' })
  API_KEY?: string;

  @Transform(toBool)
  @IsBoolean()
  AUTH_DISABLED = false;

  @IsString()
  DATA_DIR = 'data';

  @IsString()
  DATABASE_PATH = 'data/app.db';

  /** Comma-separated list of allowed origins; empty = same origin only; `*` = any origin. */
  @IsString()
  CORS_ORIGINS = '';

  @Transform(toInt)
  @IsInt()
  @Min(1000)
  THROTTLE_TTL_MS = 60_000;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  THROTTLE_LIMIT = 1200;

  /** Body size limit for JSON requests, in bytes. */
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  BODY_LIMIT_BYTES = 1_048_576;

  @IsIn(LOG_LEVELS as unknown as string[])
  LOG_LEVEL: LogLevel = 'log';

  /** Heap size above which /health reports the heap check as down, in megabytes. */
  @Transform(toInt)
  @IsInt()
  @Min(16)
  HEALTH_HEAP_LIMIT_MB = 1024;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  SHUTDOWN_TIMEOUT_MS = 10_000;

  /** Start the simulated WhatsApp network in-process and point the engine at it. */
  @Transform(toBool)
  @IsBoolean()
  SANDBOX = false;
}

export type AppConfigOverrides = Partial<Record<keyof AppConfig, string | number | boolean>>;
