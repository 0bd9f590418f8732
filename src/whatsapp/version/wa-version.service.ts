import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import type { WaVersion } from '../engine/engine.types';
import { WhatsAppEngine } from '../engine/whatsapp-engine';
import { formatWaVersion, parseWaVersion, versionFromServiceWorker } from './wa-web-version';

/** After WhatsApp refused a version, a new lookup is made at most this often. */
const REFUSAL_REFRESH_MS = 10 * 60_000;

/**
 * The WhatsApp Web version every connection logs in with. WhatsApp refuses clients whose version is too old
 * (405 at login), so with `WA_VERSION=auto` the current one is read from WhatsApp Web at start, once every
 * WA_VERSION_REFRESH_MS, and after a refusal; when that fails the last known (at first the engine's built-in
 * one) stays. `builtin` and a pinned `2.3000.x` never fetch.
 */
@Injectable()
export class WaVersionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WaVersionService.name);
  private version: WaVersion;
  private readonly auto: boolean;
  private timer: NodeJS.Timeout | null = null;
  private refreshing: Promise<void> | null = null;
  private lastRefresh = 0;
  private firstLookup: Promise<void> = Promise.resolve();

  constructor(
    private readonly config: AppConfig,
    engine: WhatsAppEngine,
  ) {
    const setting = config.WA_VERSION ?? 'builtin';
    this.auto = setting === 'auto';
    this.version = parseWaVersion(setting) ?? engine.builtinVersion();
  }

  onApplicationBootstrap(): void {
    if (!this.auto) return;
    this.firstLookup = this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.config.WA_VERSION_REFRESH_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** The version to log in with; waits for the first lookup at start (WA_VERSION_TIMEOUT_MS at most). */
  async current(): Promise<WaVersion> {
    await this.firstLookup;
    return this.version;
  }

  /** WhatsApp refused `version`: with `auto`, look the current one up again (not more than every 10 min). */
  refused(version: WaVersion): void {
    if (!this.auto || formatWaVersion(version) !== formatWaVersion(this.version)) return;
    if (Date.now() - this.lastRefresh >= REFUSAL_REFRESH_MS) void this.refresh();
  }

  /** Reads the current version from WhatsApp Web; on failure keeps the one it has. */
  refresh(): Promise<void> {
    this.refreshing ??= this.lookup().finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  private async lookup(): Promise<void> {
    this.lastRefresh = Date.now();
    const url = this.config.WA_VERSION_URL;
    try {
      const res = await fetch(url, {
        signal: AbortSignal.timeout(this.config.WA_VERSION_TIMEOUT_MS),
        headers: {
          'sec-fetch-site': 'none',
          'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0 Safari/537.36',
        },
      });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const found = versionFromServiceWorker(await res.text());
      if (!found) throw new Error('the script names no client revision');
      if (formatWaVersion(found) !== formatWaVersion(this.version))
        this.logger.log(
          `WhatsApp Web version ${formatWaVersion(found)} (was ${formatWaVersion(this.version)})`,
        );
      this.version = found;
    } catch (err) {
      const cause = (err as Error & { cause?: { code?: string; message?: string } }).cause;
      const why = cause?.code ?? cause?.message ?? (err as Error).message;
      this.logger.warn(
        `could not read the current WhatsApp Web version from ${url} (${why}); using ${formatWaVersion(this.version)}`,
      );
    }
  }
}
