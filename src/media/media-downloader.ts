import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { createHash } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { DomainEvent, newEvent } from '../events/domain-event';
import { MessageEntity } from '../messaging/message.entity';
import { MessageEvents } from '../messaging/message.events';
import { MessageStore } from '../messaging/message.store';
import type { MessageView } from '../messaging/message.view';
import { MediaDownloadFailed } from '../whatsapp/engine/media-download-failed';
import { WhatsAppEngine } from '../whatsapp/engine/whatsapp-engine';
import { MediaDetails, settledMediaDetails } from './media-details';
import { MediaStatus } from './media-file.entity';
import { MediaFilePatch, MediaFileStore } from './media-file.store';
import { MessageMediaEventData } from './media-events';
import { MediaStorage, storageKey } from './storage/media-storage';

const SHUTDOWN_WAIT_MS = 5_000;

/**
 * Downloads the files of incoming media messages after they are stored (the message is acknowledged to
 * WhatsApp without waiting for its file), a few at a time, and records the outcome in `media_files` and in the
 * message's `details.media`, with a `message.media` event in the same transaction. Files still `pending` at
 * boot (a crash or a stop mid-download) are downloaded then.
 */
@Injectable()
export class MediaDownloader implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MediaDownloader.name);
  private readonly queue: string[] = [];
  private readonly queued = new Set<string>();
  private running = 0;
  private stopped = false;
  private readonly idle = new Set<() => void>();

  constructor(
    private readonly config: AppConfig,
    private readonly files: MediaFileStore,
    private readonly messages: MessageStore,
    private readonly events: MessageEvents,
    private readonly engine: WhatsAppEngine,
    private readonly storage: MediaStorage,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const pending = await this.files.pending(100_000);
    if (pending.length) this.logger.log(`Resuming ${pending.length} pending media download(s)`);
    for (const row of pending) this.enqueue(row.messageId);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.queue.length = 0;
    // A download cut short stays `pending` and is resumed at the next boot: wait a little, not for a slow host.
    if (this.running) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => this.idle.add(resolve)),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, SHUTDOWN_WAIT_MS))),
      ]);
      clearTimeout(timer);
    }
    this.storage.close();
  }

  @OnEvent('message.received')
  @OnEvent('message.sent')
  onMessage(event: DomainEvent<MessageView>): void {
    const media = event.data?.details?.media as MediaDetails | undefined;
    if (media?.status === 'pending') this.enqueue(event.data.id);
  }

  /** Queues the download of a message's file (once, however often asked while it waits). */
  enqueue(messageId: string): void {
    if (this.stopped || this.queued.has(messageId)) return;
    this.queued.add(messageId);
    this.queue.push(messageId);
    this.pump();
  }

  private pump(): void {
    while (!this.stopped && this.running < this.config.MEDIA_DOWNLOAD_CONCURRENCY && this.queue.length) {
      const messageId = this.queue.shift()!;
      this.running++;
      void this.download(messageId)
        .catch((err: Error) => this.logger.error(`media of ${messageId}: ${err.message}`))
        .finally(() => {
          this.queued.delete(messageId);
          this.running--;
          if (!this.running) for (const done of this.idle) done();
          this.idle.clear();
          this.pump();
        });
    }
  }

  private async download(messageId: string): Promise<void> {
    const file = await this.files.find(messageId);
    if (!file || file.status !== 'pending') return;
    await this.messages.write(() => this.files.countAttempt(messageId));
    const ref = this.files.downloadRefOf(file);
    let bytes: Buffer;
    try {
      bytes = await this.engine.downloadMedia(ref, { maxBytes: this.config.MEDIA_INBOUND_MAX_BYTES });
    } catch (err) {
      const reason = err instanceof MediaDownloadFailed ? err.reason : 'unreachable';
      this.logger.warn(
        `[${file.sessionId}] media of ${messageId} unavailable (${reason}): ${(err as Error).message}`,
      );
      await this.settle(messageId, file.sessionId, {
        status: 'unavailable',
        reason,
        error: (err as Error).message,
      });
      return;
    }
    const key = storageKey(file.sessionId, messageId);
    const message = await this.messages.find(file.sessionId, messageId);
    const mimetype = (message && currentMedia(message)?.mimetype) ?? null;
    try {
      await this.storage.put(key, bytes, mimetype);
    } catch (err) {
      this.logger.error(
        `[${file.sessionId}] storing media of ${messageId} failed: ${(err as Error).message}`,
      );
      await this.settle(messageId, file.sessionId, {
        status: 'unavailable',
        reason: 'storage_failed',
        error: (err as Error).message,
      });
      return;
    }
    await this.settle(messageId, file.sessionId, {
      status: 'available',
      reason: null,
      error: null,
      storageKey: key,
      size: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      storedAt: Date.now(),
    });
  }

  /**
   * Moves the file to a new state (only from one of `from`) and the message's media object with it, with a
   * `message.media` event; returns the new media object, or null if the file was not in one of those states.
   */
  async settle(
    messageId: string,
    sessionId: string,
    patch: MediaFilePatch,
    from: MediaStatus[] = ['pending'],
  ): Promise<MediaDetails | null> {
    const message = await this.messages.find(sessionId, messageId);
    const { files, messages, events } = this;
    const [event, media] = await messages.write(function* () {
      if (!(yield* files.settle(messageId, patch, from))) return [null, null] as const;
      const current = message && currentMedia(message);
      if (!message || !current) return [null, null] as const;
      const media = settledMediaDetails(current, {
        status: patch.status,
        reason: patch.reason ?? null,
        size: patch.size ?? null,
        sha256: patch.sha256 ?? null,
      });
      const details = { ...(JSON.parse(message.details!) as Record<string, unknown>), media };
      yield* messages.setDetails(messageId, JSON.stringify(details));
      const data: MessageMediaEventData = {
        id: message.id,
        session: message.sessionId,
        waMessageId: message.waMessageId,
        chat: message.chatJid,
        media,
      };
      const event = newEvent('message.media', message.sessionId, data);
      yield* events.bus.record(event);
      return [event, media] as const;
    });
    if (event) this.events.emit([event]);
    return media;
  }
}

/** The media object in a stored message's details, if it has one the downloader manages. */
export function currentMedia(message: Pick<MessageEntity, 'details'>): MediaDetails | null {
  if (!message.details) return null;
  const media = (JSON.parse(message.details) as { media?: MediaDetails }).media;
  return media && typeof media.status === 'string' ? media : null;
}
