import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type * as http from 'node:http';
import type * as https from 'node:https';
import { AppConfig } from '../../config/app-config';
import { AddressPolicy } from '../../common/net/address-policy';
import { createGuardedAgents } from '../../common/net/guarded-agents';
import { fetchMedia, MediaFetchError, MEDIA_UNREACHABLE } from './media-fetch';

export type DownloadResult =
  { ok: true; data: Buffer; mimetype: string | null } | { ok: false; reason: string };

/** One media download, started ahead of its message's turn. */
export interface MediaDownload {
  /** Settles when the download ends; never rejects. */
  readonly result: Promise<DownloadResult>;
  /** True once `result` has settled. */
  readonly done: boolean;
  /** Forgets the download: stops it if still waiting or running, frees the bytes it holds. */
  release(): void;
}

interface Entry extends MediaDownload {
  done: boolean;
  url: string;
  bytes: number;
  state: 'waiting' | 'running' | 'finished' | 'released';
  abort: AbortController;
  settle: (result: DownloadResult) => void;
}

/**
 * Media downloads by URL for the send queue, started when a message is claimed (ahead of its turn), so a slow
 * URL delays only its own message (and the later ones to the same chat). At most MEDIA_FETCH_CONCURRENCY run at
 * once, in the order they were asked for; none starts while MEDIA_PREFETCH_MAX_BYTES of downloaded media is held
 * in memory. Bodies live in memory only: after a restart the message is downloaded again.
 *
 * Every download goes through the media address policy, checked on the address actually connected to:
 * MEDIA_ALLOW_PRIVATE_NETWORKS / MEDIA_ALLOWED_CIDRS, which default to the webhook settings.
 */
@Injectable()
export class MediaDownloads implements OnApplicationShutdown {
  private readonly logger = new Logger(MediaDownloads.name);
  readonly policy: AddressPolicy;
  private readonly agents: { http: http.Agent; https: https.Agent };
  private readonly waiting: Entry[] = [];
  private running = 0;
  private held = 0;

  constructor(private readonly config: AppConfig) {
    this.policy = new AddressPolicy({
      allowPrivateNetworks: config.MEDIA_ALLOW_PRIVATE_NETWORKS ?? config.WEBHOOK_ALLOW_PRIVATE_NETWORKS,
      allowedCidrs: config.MEDIA_ALLOWED_CIDRS ?? config.WEBHOOK_ALLOWED_CIDRS,
      settings: { allowPrivate: 'MEDIA_ALLOW_PRIVATE_NETWORKS', allowedCidrs: 'MEDIA_ALLOWED_CIDRS' },
    });
    this.agents = createGuardedAgents(this.policy, config.MEDIA_FETCH_CONCURRENCY);
  }

  onApplicationShutdown(): void {
    for (const entry of this.waiting.splice(0)) entry.release();
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  /** Downloads running and waiting to start, and the bytes of downloaded media held in memory. */
  stats(): { running: number; waiting: number; heldBytes: number } {
    return { running: this.running, waiting: this.waiting.length, heldBytes: this.held };
  }

  /** Asks for a download; it starts as soon as a slot and the memory budget allow. */
  start(url: string): MediaDownload {
    let settle!: (result: DownloadResult) => void;
    const result = new Promise<DownloadResult>((resolve) => (settle = resolve));
    const entry: Entry = {
      url,
      result,
      done: false,
      bytes: 0,
      state: 'waiting',
      abort: new AbortController(),
      settle: (r) => {
        entry.done = true;
        settle(r);
      },
      release: () => this.release(entry),
    };
    this.waiting.push(entry);
    this.pump();
    return entry;
  }

  private pump(): void {
    while (
      this.waiting.length &&
      this.running < this.config.MEDIA_FETCH_CONCURRENCY &&
      this.held < this.config.MEDIA_PREFETCH_MAX_BYTES
    ) {
      this.run(this.waiting.shift()!);
    }
  }

  private run(entry: Entry): void {
    entry.state = 'running';
    this.running++;
    fetchMedia(entry.url, {
      agents: this.agents,
      maxBytes: this.config.MEDIA_MAX_BYTES,
      timeoutMs: this.config.MEDIA_FETCH_TIMEOUT_MS,
      signal: entry.abort.signal,
      onBytes: (n) => {
        entry.bytes += n;
        this.held += n;
      },
    }).then(
      ({ data, mimetype }) => {
        this.running--;
        if (entry.state === 'released') {
          this.free(entry);
          entry.settle({ ok: false, reason: MEDIA_UNREACHABLE });
        } else {
          entry.state = 'finished';
          entry.settle({ ok: true, data, mimetype });
        }
        this.pump();
      },
      (err: Error) => {
        this.running--;
        this.free(entry);
        if (!(err instanceof MediaFetchError)) this.logger.warn(`media download failed: ${err.message}`);
        entry.settle({ ok: false, reason: err instanceof MediaFetchError ? err.reason : MEDIA_UNREACHABLE });
        this.pump();
      },
    );
  }

  private release(entry: Entry): void {
    const state = entry.state;
    if (state === 'released') return;
    entry.state = 'released';
    if (state === 'waiting') {
      this.waiting.splice(this.waiting.indexOf(entry), 1);
      entry.settle({ ok: false, reason: MEDIA_UNREACHABLE });
    } else if (state === 'running') entry.abort.abort();
    else {
      this.free(entry);
      this.pump();
    }
  }

  private free(entry: Entry): void {
    this.held -= entry.bytes;
    entry.bytes = 0;
  }
}
