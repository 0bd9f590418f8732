import { Controller, Get, HttpCode, Param, Post, Res, StreamableFile } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { create as contentDisposition } from 'content-disposition';
import type { Response } from 'express';
import { ApiErrors } from '../common/errors/api-errors';
import { MediaDetails } from './media-details';
import { MediaService } from './media.service';

/** The media object of an incoming message (`details.media`, and `data.media` of `message.media`). */
export class MediaView implements MediaDetails {
  @ApiProperty({ enum: ['image', 'video', 'audio', 'document', 'sticker'] }) type: MediaDetails['type'];
  @ApiProperty({ type: String, nullable: true, example: 'image/jpeg' }) mimetype: string | null;
  @ApiProperty({ type: Number, nullable: true, example: 48213, description: 'Bytes' }) size: number | null;
  @ApiProperty({
    type: String,
    nullable: true,
    example: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
    description: 'Hex SHA-256 of the file, once available',
  })
  sha256: string | null;
  @ApiProperty({ type: String, nullable: true, example: null }) fileName: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'Our new shop' }) caption: string | null;
  @ApiProperty({ enum: ['pending', 'available', 'unavailable', 'expired'] }) status: MediaDetails['status'];
  @ApiProperty({
    type: String,
    nullable: true,
    example: null,
    description:
      'Why not available: expired (WhatsApp no longer has the file), refused, too_large, corrupt, unreachable, storage_failed, retention',
  })
  reason: string | null;
  @ApiProperty({
    example: '/api/sessions/default/messages/msg_01hx2q3w4e5r6t7y8u9i0o/media',
    description: "The file's route on this gateway (API key required)",
  })
  url: string;
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'Audio and video length' }) seconds?:
    number | null;
  @ApiPropertyOptional({ description: 'Audio recorded as a voice note (ptt)' }) voiceNote?: boolean;
  @ApiPropertyOptional({ type: Number, nullable: true }) width?: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true }) height?: number | null;
}

const MESSAGE_ID = { name: 'messageId', description: 'Our id (msg_...) or the WhatsApp id' };

@ApiTags('messages')
@ApiErrors(401)
@Controller('api/sessions/:session/messages/:messageId/media')
export class MediaController {
  constructor(private readonly media: MediaService) {}

  @Get()
  @ApiParam({ name: 'session', example: 'default' })
  @ApiParam(MESSAGE_ID)
  @ApiOperation({
    summary: 'The file of an incoming image, video, audio, document or sticker message',
    description:
      'Served with its mimetype as Content-Type and its file name in Content-Disposition. The file is ' +
      'downloaded from WhatsApp after the message is stored: until then (`details.media.status` `pending`) and ' +
      'when it could not be (`unavailable`) this answers 409; after MEDIA_RETENTION_DAYS (`expired`) 410.',
  })
  @ApiProduces('application/octet-stream')
  @ApiOkResponse({ description: 'The file', schema: { type: 'string', format: 'binary' } })
  @ApiErrors(
    {
      status: 404,
      description: 'Unknown session or message, or the message has no file',
      example: { error: 'Media not found', details: 'No media with id "msg_01hx2q3w4e5r6t7y8u9i0o"' },
    },
    {
      status: 409,
      description: 'Not downloaded yet, or could not be',
      example: { error: 'Media not available', details: { status: 'unavailable', reason: 'expired' } },
    },
    {
      status: 410,
      description: 'Deleted after MEDIA_RETENTION_DAYS',
      example: { error: 'Media not available', details: { status: 'expired', reason: 'retention' } },
    },
  )
  async get(
    @Param('session') session: string,
    @Param('messageId') messageId: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    const file = await this.media.content(session, messageId);
    res.setHeader('Content-Type', file.mimetype);
    res.setHeader('Content-Disposition', contentDisposition(file.fileName, { type: 'inline' }));
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', 'private, max-age=3600');
    return new StreamableFile(file.bytes, { length: file.bytes.length });
  }

  @Post('retry')
  @HttpCode(202)
  @ApiParam({ name: 'session', example: 'default' })
  @ApiParam(MESSAGE_ID)
  @ApiOperation({
    summary: 'Download the file of an incoming message again',
    description:
      'For media that is `unavailable` (or `expired`): the download starts again and the media object is ' +
      '`pending` until a `message.media` event (or GET of the message) shows `available` or `unavailable`.',
  })
  @ApiAcceptedResponse({ type: MediaView })
  @ApiErrors(
    {
      status: 404,
      description: 'Unknown session or message, or the message has no file',
      example: { error: 'Media not found', details: 'No media with id "msg_01hx2q3w4e5r6t7y8u9i0o"' },
    },
    {
      status: 409,
      description: 'Already available',
      example: {
        error: 'Media already available',
        details: 'The media of message "msg_01hx2q3w4e5r6t7y8u9i0o" is available',
      },
    },
  )
  retry(@Param('session') session: string, @Param('messageId') messageId: string): Promise<MediaDetails> {
    return this.media.retry(session, messageId);
  }
}
