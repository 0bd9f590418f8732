import { Injectable, Logger } from '@nestjs/common';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AppConfig } from '../../config/app-config';

/**
 * Owns the API key: the configured `API_KEY`, or one generated at first start and kept in
 * `<DATA_DIR>/api-key` (mode 0600) so it survives restarts.
 */
@Injectable()
export class ApiKeyService {
  private readonly logger = new Logger(ApiKeyService.name);
  private readonly keyHash: Buffer;
  readonly disabled: boolean;

  constructor(config: AppConfig) {
    this.disabled = config.AUTH_DISABLED;
    this.keyHash = hash(config.API_KEY ?? this.loadOrGenerate(config.DATA_DIR));
    if (this.disabled) {
      this.logger.warn(
        '!!! AUTH_DISABLED=true: the API key check is OFF. Anyone who can reach this port controls your WhatsApp account. Use this only on a trusted local machine. !!!',
      );
    }
  }

  /** Constant-time comparison: both sides are hashed to equal length first. */
  matches(candidate: string | undefined): boolean {
    if (!candidate) return false;
    return timingSafeEqual(hash(candidate), this.keyHash);
  }

  /** Reads the key from `X-API-Key` or `Authorization: Bearer`. */
  static extract(headers: Record<string, string | string[] | undefined>): string | undefined {
    const direct = headers['x-api-key'];
    if (typeof direct === 'string' && direct) return direct;
    const auth = headers['authorization'];
    if (typeof auth === 'string') {
      const m = /^Bearer\s+(.+)$/i.exec(auth.trim());
      if (m) return m[1];
    }
    return undefined;
  }

  private loadOrGenerate(dataDir: string): string {
    const file = path.join(dataDir, 'api-key');
    if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
    fs.mkdirSync(dataDir, { recursive: true });
    const key = randomBytes(32).toString('base64url');
    fs.writeFileSync(file, key + '\n', { mode: 0o600, flag: 'wx' });
    this.logger.warn(
      `No API_KEY was set, so one was generated and saved to ${file} (readable by this user only). ` +
        `It is shown once, now: ${key}`,
    );
    return key;
  }
}

function hash(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
