import { Logger, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { mediaDir } from '../config/media-config';
import { WhatsAppModule } from '../whatsapp/whatsapp.module';
import { MediaDownloader } from './media-downloader';
import { MediaFilesModule } from './media-files.module';
import { MediaRetention } from './media-retention';
import { MediaController } from './media.controller';
import { MediaService } from './media.service';
import { DirectoryMediaStorage } from './storage/directory-media-storage';
import { MediaStorage } from './storage/media-storage';
import { S3MediaStorage } from './storage/s3-media-storage';

/** The storage configured: the bucket if MEDIA_S3_BUCKET is set, else the directory. */
export function mediaStorageFor(config: AppConfig): MediaStorage {
  if (config.MEDIA_S3_BUCKET) {
    return new S3MediaStorage({
      bucket: config.MEDIA_S3_BUCKET,
      region: config.MEDIA_S3_REGION,
      endpoint: config.MEDIA_S3_ENDPOINT,
      accessKeyId: config.MEDIA_S3_ACCESS_KEY_ID,
      secretAccessKey: config.MEDIA_S3_SECRET_ACCESS_KEY,
      forcePathStyle: config.MEDIA_S3_FORCE_PATH_STYLE,
    });
  }
  return new DirectoryMediaStorage(mediaDir(config));
}

/** Files of incoming media messages: download after storing, storage, the file route, retry and retention. */
@Module({
  imports: [MediaFilesModule, WhatsAppModule],
  controllers: [MediaController],
  providers: [
    {
      provide: MediaStorage,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => {
        const storage = mediaStorageFor(config);
        new Logger('MediaStorage').log(
          `Incoming media is kept in ${storage.kind === 's3' ? 'the bucket' : 'the directory'} ${config.MEDIA_S3_BUCKET ?? mediaDir(config)}`,
        );
        return storage;
      },
    },
    MediaDownloader,
    MediaRetention,
    MediaService,
  ],
})
export class MediaModule {}
