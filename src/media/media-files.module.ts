import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MediaFileEntity } from './media-file.entity';
import { MediaFileStore } from './media-file.store';

/** The `media_files` store, shared by the inbound path (which records pending files) and the media module. */
@Module({
  imports: [TypeOrmModule.forFeature([MediaFileEntity])],
  providers: [MediaFileStore],
  exports: [MediaFileStore],
})
export class MediaFilesModule {}
