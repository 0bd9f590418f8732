import { Injectable } from '@nestjs/common';
import { ConflictError, DomainError, NotFoundError } from '../common/errors/domain-error';
import { MessageStore } from '../messaging/message.store';
import { SessionNotFound } from '../whatsapp/sessions/session.errors';
import { SessionsFacade } from '../whatsapp/sessions/sessions.facade';
import { MediaDetails } from './media-details';
import { currentMedia, MediaDownloader } from './media-downloader';
import { baseMimetype, mediaFileName } from './media-file-name';
import { MediaFileStore } from './media-file.store';
import { MediaStorage } from './storage/media-storage';

/** A stored file, ready to send. */
export interface MediaContent {
  bytes: Buffer;
  mimetype: string;
  fileName: string;
}

/** The file is known but cannot be served (yet, or any more). */
export class MediaNotAvailable extends DomainError {
  constructor(media: MediaDetails) {
    super(media.status === 'expired' ? 410 : 409, 'Media not available', {
      status: media.status,
      reason: media.reason,
    });
  }
}

/** GET .../messages/:id/media and its retry. */
@Injectable()
export class MediaService {
  constructor(
    private readonly sessions: SessionsFacade,
    private readonly messages: MessageStore,
    private readonly files: MediaFileStore,
    private readonly storage: MediaStorage,
    private readonly downloader: MediaDownloader,
  ) {}

  private async media(sessionId: string, messageId: string) {
    if (!this.sessions.has(sessionId)) throw new SessionNotFound(sessionId);
    const message = await this.messages.find(sessionId, messageId);
    if (!message) throw new NotFoundError('Message', messageId);
    const media = currentMedia(message);
    const file = media ? await this.files.find(message.id) : null;
    if (!media || !file) throw new NotFoundError('Media', messageId);
    return { message, media, file };
  }

  async content(sessionId: string, messageId: string): Promise<MediaContent> {
    const { message, media, file } = await this.media(sessionId, messageId);
    if (media.status !== 'available' || !file.storageKey) throw new MediaNotAvailable(media);
    const bytes = await this.storage.get(file.storageKey);
    if (!bytes) throw new MediaNotAvailable({ ...media, status: 'expired', reason: 'missing_from_storage' });
    return {
      bytes,
      mimetype: baseMimetype(media.mimetype) ?? 'application/octet-stream',
      fileName: mediaFileName(message.id, media.fileName, media.mimetype),
    };
  }

  /** Downloads a file again that could not be downloaded (or was deleted); answers the media object now. */
  async retry(sessionId: string, messageId: string): Promise<MediaDetails> {
    const { message, media } = await this.media(sessionId, messageId);
    if (media.status === 'available') {
      throw new ConflictError('Media already available', `The media of message "${message.id}" is available`);
    }
    if (media.status === 'pending') {
      this.downloader.enqueue(message.id);
      return media;
    }
    const pending = await this.downloader.settle(
      message.id,
      sessionId,
      { status: 'pending', reason: null, error: null },
      ['unavailable', 'expired'],
    );
    this.downloader.enqueue(message.id);
    return pending ?? media;
  }
}
