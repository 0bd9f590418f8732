import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, IsUrl, Max, Min, MinLength } from 'class-validator';
import * as path from 'node:path';
import { toBool, toInt, toOptionalString } from './env-transforms';

/**
 * Settings of incoming media (files of received images, videos, voice notes, documents and stickers): where
 * they are kept, how large they may be and for how long. `AppConfig` extends this class.
 */
export class MediaConfig {
  /** Directory of the files (when no bucket is configured); unset: `<DATA_DIR>/media`. */
  @Transform(toOptionalString)
  @IsOptional()
  @IsString()
  MEDIA_DIR?: string;

  /** Largest incoming file downloaded, in bytes; a larger one is marked unavailable (`too_large`). */
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  MEDIA_INBOUND_MAX_BYTES = 64 * 1024 * 1024;

  /** Incoming files older than this many days are deleted (media status `expired`); 0 keeps them. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(36500)
  MEDIA_RETENTION_DAYS = 0;

  /** Incoming files downloaded at once, across all sessions. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(64)
  MEDIA_DOWNLOAD_CONCURRENCY = 2;

  /** Keep incoming files in this S3-compatible bucket instead of MEDIA_DIR. */
  @Transform(toOptionalString)
  @IsOptional()
  @IsString()
  @MinLength(3)
  MEDIA_S3_BUCKET?: string;

  /** The S3 API's URL, for S3-compatible stores (MinIO, R2, ...); unset: AWS for MEDIA_S3_REGION. */
  @Transform(toOptionalString)
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  MEDIA_S3_ENDPOINT?: string;

  @IsString()
  MEDIA_S3_REGION = 'us-east-1';

  /** Unset with the secret too: the AWS SDK's default credential chain. */
  @Transform(toOptionalString)
  @IsOptional()
  @IsString()
  MEDIA_S3_ACCESS_KEY_ID?: string;

  @Transform(toOptionalString)
  @IsOptional()
  @IsString()
  MEDIA_S3_SECRET_ACCESS_KEY?: string;

  /** Address the bucket in the path (`endpoint/bucket/key`), as most S3-compatible servers need. */
  @Transform(toBool)
  @IsBoolean()
  MEDIA_S3_FORCE_PATH_STYLE = false;
}

/** The directory incoming media is written to. */
export function mediaDir(config: MediaConfig & { DATA_DIR: string }): string {
  return config.MEDIA_DIR ?? path.join(config.DATA_DIR, 'media');
}

/** A configuration problem of the media settings that single fields cannot show, or null. */
export function mediaConfigProblem(config: MediaConfig): string | null {
  if (Boolean(config.MEDIA_S3_ACCESS_KEY_ID) !== Boolean(config.MEDIA_S3_SECRET_ACCESS_KEY)) {
    return 'MEDIA_S3_ACCESS_KEY_ID and MEDIA_S3_SECRET_ACCESS_KEY: set both or neither';
  }
  return null;
}
