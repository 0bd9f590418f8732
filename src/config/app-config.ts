import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  MinLength,
  Validate,
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';
import { parseTrustProxy } from '../common/http/trust-proxy';
import { toBool, toInt, toNumber, toOptionalString } from './env-transforms';
import { ClusterConfig } from './cluster-config';
import type { DatabaseSettings } from './database-settings';

const CIDR_LIST = /^\s*$|^\s*[0-9A-Fa-f:.]+(\/\d{1,3})?\s*(,\s*[0-9A-Fa-f:.]+(\/\d{1,3})?\s*)*$/;
const WA_VERSION_PATTERN = /^\d{1,4}\.\d{1,6}\.\d{1,12}$/;
@ValidatorConstraint({ name: 'trustProxy' })
class IsTrustProxy implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    if (typeof value !== 'string') return false;
    try {
      parseTrustProxy(value);
      return true;
    } catch {
      return false;
    }
  }
  defaultMessage(): string {
    return 'TRUST_PROXY must be false, true, a hop count, or comma-separated proxy addresses or CIDRs';
  }
}

export const LOG_LEVELS = ['error', 'warn', 'log', 'debug', 'verbose'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Every setting of the gateway. Each property is named after its environment variable (see `.env.example`);
 * `loadConfig()` is the only place that reads `process.env`. Defaults live here and nowhere else.
 */
export class AppConfig extends ClusterConfig {
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

  /** PostgreSQL instead of SQLite: `postgres://user:password@host:5432/database`. Unset: SQLite at DATABASE_PATH. */
  @Transform(toOptionalString)
  @IsOptional()
  @IsString()
  DATABASE_URL?: string;

  /** PostgreSQL connections per process (at least 2: migrations run on one while the other holds their lock). */
  @Transform(toInt)
  @IsInt()
  @Min(2)
  @Max(1000)
  DATABASE_POOL_SIZE = 10;

  /** TLS towards PostgreSQL (see DATABASE_SSL_MODES); unset: the URL's sslmode, else disable. */
  @Transform(toOptionalString)
  @IsOptional()
  @IsString()
  DATABASE_SSL?: string;

  /** PEM file of the CA that signed PostgreSQL's certificate (verify-ca, verify-full); unset: the system's CAs. */
  @Transform(toOptionalString)
  @IsOptional()
  @IsString()
  DATABASE_SSL_CA?: string;

  /** Derived by `loadConfig()` from the DATABASE_* variables (`resolveDatabaseSettings`): the engine and its settings. */
  declare database: DatabaseSettings;

  /**
   * Encrypts the WhatsApp credentials and Signal keys and the webhook secrets and headers in the database:
   * `[<id>:]<32 bytes as 64 hex digits or base64>` (see the README's Security section). Unset: stored as plain text.
   */
  @Transform(toOptionalString)
  @IsOptional()
  @IsString()
  DATA_ENCRYPTION_KEY?: string;

  /** Earlier keys (comma-separated, same format) that still decrypt what they encrypted, until `keys:rotate`. */
  @IsString()
  DATA_ENCRYPTION_OLD_KEYS = '';

  // --- Backups ---
  /** Folder the gateway writes its own rotating backups to (see BACKUP_INTERVAL_HOURS); unset = none. */
  @Transform(toOptionalString)
  @IsOptional()
  @IsString()
  BACKUP_DIR?: string;

  /** Time between two scheduled backups, in hours (fractions allowed: 0.5 = 30 minutes); the first one after it. */
  @Transform(toNumber)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0.0001)
  BACKUP_INTERVAL_HOURS = 24;

  /** Scheduled backups kept in BACKUP_DIR (the oldest beyond this are deleted). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  BACKUP_KEEP = 7;

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

  /**
   * Which proxies' X-Forwarded-For is believed for the client's address (rate limits, Socket.IO handshake
   * limits): `false` (none: the connecting peer is the client), `true` (any), a hop count, or comma-separated
   * trusted proxy addresses, CIDRs or `loopback` / `linklocal` / `uniquelocal` (Express' `trust proxy`).
   */
  @Validate(IsTrustProxy)
  TRUST_PROXY = 'false';

  /** Body size limit for JSON requests, in bytes. */
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  BODY_LIMIT_BYTES = 1_048_576;

  @IsIn(LOG_LEVELS as unknown as string[])
  LOG_LEVEL: LogLevel = 'log';

  /** `json` (one object per line) or `pretty`; unset: JSON when stdout is not a terminal, pretty when it is. */
  @Transform(toOptionalString)
  @IsOptional()
  @IsIn(['json', 'pretty'])
  LOG_FORMAT?: 'json' | 'pretty';

  /** One access line per HTTP request (method, route pattern, status, duration, request id). */
  @Transform(toBool)
  @IsBoolean()
  LOG_HTTP = true;

  /** Log phone numbers unmasked and message texts. Off: numbers are masked, texts never written. */
  @Transform(toBool)
  @IsBoolean()
  LOG_PII = false;

  /** Heap size above which /health reports the heap check as down, in megabytes. */
  @Transform(toInt)
  @IsInt()
  @Min(16)
  HEALTH_HEAP_LIMIT_MB = 1024;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  SHUTDOWN_TIMEOUT_MS = 10_000;

  /** GET /metrics (Prometheus) answers without the API key. */
  @Transform(toBool)
  @IsBoolean()
  METRICS_PUBLIC = false;

  /**
   * Serve /metrics on this port of HOST (a listener of its own, 0 = any free port) instead of the main port;
   * unset = on the main port.
   */
  @Transform(toInt)
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(65535)
  METRICS_PORT?: number;

  /** Start the simulated WhatsApp network in-process and point the engine at it. */
  @Transform(toBool)
  @IsBoolean()
  SANDBOX = false;

  // --- Auto-reply ---
  /** false turns auto-replies off for every session (rules stay stored and editable). */
  @Transform(toBool)
  @IsBoolean()
  AUTO_REPLY_ENABLED = true;

  /** Hard cap of auto-replies per chat in any 60 seconds, whatever the rules say (stops reply loops). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  AUTO_REPLY_MAX_PER_CHAT_PER_MINUTE = 5;

  /**
   * Messages older than this when they reach the gateway (WhatsApp's timestamp) get no auto-reply: after a
   * reconnect WhatsApp hands over what waited while the session was offline, and answering "ping" hours later
   * helps nobody.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  AUTO_REPLY_MAX_AGE_SECONDS = 600;

  /** Port of the sandbox's WebSocket server (0 = any free port; it listens on 127.0.0.1 only). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  SANDBOX_PORT = 0;

  /** Simulated contacts send a delivery receipt, then a read receipt, this long after a message arrives. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  SANDBOX_DELIVERED_AFTER_MS = 300;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  SANDBOX_READ_AFTER_MS = 800;

  /**
   * The sandbox refuses clients older than this WhatsApp Web version (`2.3000.1`), as WhatsApp does (405 at
   * login); empty = any version.
   */
  @Transform(toOptionalString)
  @IsOptional()
  @Matches(WA_VERSION_PATTERN, { message: 'SANDBOX_MIN_WA_VERSION must look like 2.3000.1023456789' })
  SANDBOX_MIN_WA_VERSION?: string;

  // --- WhatsApp sessions ---
  /**
   * The WhatsApp Web version the client logs in with: `auto` asks WhatsApp's web client for the current one at
   * start and once every WA_VERSION_REFRESH_MS (the built-in one when that fails), `builtin` the one Baileys
   * ships, or a pinned `2.3000.x`. Unset: `auto`, except with SANDBOX=true, WA_WEBSOCKET_URL set or
   * NODE_ENV=test, where it is `builtin` (nothing is fetched). See `resolveWaVersionSetting`.
   */
  @Transform(toOptionalString)
  @IsOptional()
  @Matches(/^(auto|builtin|\d{1,4}\.\d{1,6}\.\d{1,12})$/, {
    message: 'WA_VERSION must be auto, builtin or a version such as 2.3000.1023456789',
  })
  WA_VERSION?: string;

  /** Where `WA_VERSION=auto` reads the current version (WhatsApp Web's service worker script). */
  @IsUrl(
    { protocols: ['http', 'https'], require_protocol: true, require_tld: false },
    { message: 'WA_VERSION_URL must be an http(s) URL' },
  )
  WA_VERSION_URL = 'https://web.whatsapp.com/sw.js';

  @Transform(toInt)
  @IsInt()
  @Min(100)
  WA_VERSION_TIMEOUT_MS = 5000;

  @Transform(toInt)
  @IsInt()
  @Min(60_000)
  WA_VERSION_REFRESH_MS = 86_400_000;

  /** WhatsApp's WebSocket URL; set only to reach a sandbox running elsewhere. */
  @Transform(toOptionalString)
  @IsOptional()
  @IsString()
  WA_WEBSOCKET_URL?: string;

  /** Lifetime of each QR code; empty = WhatsApp's own (60 s for the first, 20 s for the next ones). */
  @Transform(toInt)
  @IsOptional()
  @IsInt()
  @Min(1000)
  WA_QR_TIMEOUT_MS?: number;

  /** Pairing connections that may end unscanned before an unlinked session rests until asked again. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  WA_MAX_PAIRING_ATTEMPTS = 3;

  /** How long GET .../qr waits for a fresh QR when it had to start a pairing attempt. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  WA_QR_WAIT_MS = 10_000;

  @Transform(toInt)
  @IsInt()
  @Min(1000)
  WA_CONNECT_TIMEOUT_MS = 20_000;

  @Transform(toInt)
  @IsInt()
  @Min(1000)
  WA_KEEPALIVE_INTERVAL_MS = 30_000;

  /**
   * Where the Baileys sockets run: `worker`, one thread of their own beside the API thread (a second core does
   * the Signal encryption while the first answers HTTP and writes SQLite), `main`, the API thread itself (less
   * CPU per message, but a bulk send delays API answers), or `auto`: `worker` when the machine has two or more
   * cores.
   */
  @IsIn(['auto', 'worker', 'main'])
  WA_ENGINE_THREAD: 'auto' | 'worker' | 'main' = 'auto';

  /** Reconnect backoff: first delay and cap (exponential with jitter in between). */
  @Transform(toInt)
  @IsInt()
  @Min(10)
  WA_RECONNECT_BASE_MS = 1000;

  @Transform(toInt)
  @IsInt()
  @Min(100)
  WA_RECONNECT_MAX_MS = 60_000;

  /** How often the watchdog looks for dead connections; 0 turns it off. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  WA_WATCHDOG_INTERVAL_MS = 15_000;

  /** /health turns unhealthy when a linked session failed this many reconnects in a row. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  WA_HEALTH_MAX_RECONNECTS = 10;

  // --- Messaging ---
  /** Minimum time between two sends of one session, plus a random extra of up to SEND_JITTER_MS. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  SEND_MIN_INTERVAL_MS = 1000;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  SEND_JITTER_MS = 1000;

  /** A queued message not sent within this time (e.g. the session stayed disconnected) fails as expired. */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  SEND_EXPIRY_MS = 86_400_000;

  /** Keep the text and details of a message deleted for everyone (it is marked revoked either way). */
  @Transform(toBool)
  @IsBoolean()
  MESSAGES_KEEP_REVOKED_CONTENT = false;

  /** Largest media accepted (base64 or downloaded from a URL), in bytes. */
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  MEDIA_MAX_BYTES = 16 * 1024 * 1024;

  @Transform(toInt)
  @IsInt()
  @Min(100)
  MEDIA_FETCH_TIMEOUT_MS = 30_000;

  /** Media downloads (by URL) running at once, across all sessions. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(256)
  MEDIA_FETCH_CONCURRENCY = 4;

  /**
   * Downloaded media held in memory waiting for its message's turn, in bytes: no further download starts while
   * this much is held (downloads already running finish, each up to MEDIA_MAX_BYTES).
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  MEDIA_PREFETCH_MAX_BYTES = 64 * 1024 * 1024;

  /** Allow media URLs on private, loopback and link-local networks; unset = WEBHOOK_ALLOW_PRIVATE_NETWORKS. */
  @Transform(toBool)
  @IsOptional()
  @IsBoolean()
  MEDIA_ALLOW_PRIVATE_NETWORKS?: boolean;

  /** CIDRs (or single addresses) media URLs may reach although non-public; unset = WEBHOOK_ALLOWED_CIDRS. */
  @IsOptional()
  @Matches(CIDR_LIST, {
    message: 'MEDIA_ALLOWED_CIDRS must be a comma-separated list of CIDRs such as 10.0.0.0/8',
  })
  MEDIA_ALLOWED_CIDRS?: string;
  /**
   * Ask WhatsApp whether a person's number has an account before sending to it; a message to a number that
   * has none fails ("Recipient not on WhatsApp") instead of staying `sent` forever.
   */
  @Transform(toBool)
  @IsBoolean()
  SEND_RECIPIENT_CHECK = true;

  /** How long a session remembers the answer of that check, yes or no. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  SEND_RECIPIENT_CACHE_TTL_MS = 3_600_000;

  /** How long POST /api/whatsapp/send waits for the message to be sent. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  SEED_SEND_TIMEOUT_MS = 30_000;

  // --- Webhooks ---
  /** A default webhook endpoint (all events), for the seed's simple setup. */
  @Transform(toOptionalString)
  @IsOptional()
  @IsUrl(
    { protocols: ['http', 'https'], require_protocol: true, require_tld: false },
    { message: 'WEBHOOK_URL must be an http(s) URL' },
  )
  WEBHOOK_URL?: string;

  /** Signing secret of the default endpoint (`whsec_` + base64); generated into DATA_DIR/webhook-secret if unset. */
  @Transform(toOptionalString)
  @IsOptional()
  @Matches(/^whsec_[A-Za-z0-9+/]{32,}={0,2}$/, {
    message: 'WEBHOOK_SECRET must be "whsec_" followed by at least 24 bytes of base64',
  })
  WEBHOOK_SECRET?: string;

  /** Allow webhook URLs on private, loopback and link-local networks. */
  @Transform(toBool)
  @IsBoolean()
  WEBHOOK_ALLOW_PRIVATE_NETWORKS = false;

  /** Comma-separated CIDRs (or single addresses) allowed even though private, e.g. `10.0.0.0/8,127.0.0.1/32`. */
  @Matches(CIDR_LIST, {
    message: 'WEBHOOK_ALLOWED_CIDRS must be a comma-separated list of CIDRs such as 10.0.0.0/8',
  })
  WEBHOOK_ALLOWED_CIDRS = '';

  /** Time limit of one webhook POST, in milliseconds. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  WEBHOOK_TIMEOUT_MS = 15_000;

  /** Delays before each attempt, in seconds (the first is the first attempt); each gets ±20 % jitter. */
  @Matches(/^\s*\d+(\.\d+)?\s*(,\s*\d+(\.\d+)?\s*)*$/, {
    message: 'WEBHOOK_RETRY_SCHEDULE must be comma-separated seconds, e.g. 0,5,300',
  })
  WEBHOOK_RETRY_SCHEDULE = '0,5,300,1800,7200,18000,36000,36000';

  /** Requests in flight at once per endpoint (per process). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  WEBHOOK_CONCURRENCY = 10;

  /** After a secret rotation, the previous secret keeps signing (alongside the new one) for this many hours. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  WEBHOOK_SECRET_GRACE_HOURS = 24;

  /** An endpoint failing without a single success for this long is disabled (default 5 days). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  WEBHOOK_DISABLE_AFTER_SECONDS = 432_000;

  /** How often the delivery worker looks for due retries (new events wake it at once). */
  @Transform(toInt)
  @IsInt()
  @Min(10)
  WEBHOOK_POLL_INTERVAL_MS = 1000;

  /** Delivered or failed webhook events older than this are deleted with their attempt log. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  WEBHOOK_RETENTION_DAYS = 30;

  /** If set, POST /api/webhook needs a valid signature (Standard Webhooks or X-Hub-Signature-256). */
  @Transform(toOptionalString)
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'INBOUND_WEBHOOK_SECRET must be at least 16 characters' })
  INBOUND_WEBHOOK_SECRET?: string;
}

export type AppConfigOverrides = Partial<Record<keyof AppConfig, string | number | boolean>>;

/**
 * WA_VERSION as given, or its default: `auto` when the gateway talks to WhatsApp itself, `builtin` in sandbox
 * mode, with WA_WEBSOCKET_URL (a sandbox elsewhere) and in tests (nothing to fetch, and no internet).
 */
export function resolveWaVersionSetting(config: AppConfig, nodeEnv: string | undefined): string {
  if (config.WA_VERSION) return config.WA_VERSION;
  return config.SANDBOX || config.WA_WEBSOCKET_URL || nodeEnv === 'test' ? 'builtin' : 'auto';
}
