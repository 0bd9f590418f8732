import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  Equals,
  IsArray,
  IsBoolean,
  IsDefined,
  IsInt,
  IsLatitude,
  IsLongitude,
  IsNotEmptyObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';

export const MESSAGE_TYPES = [
  'text',
  'image',
  'video',
  'audio',
  'document',
  'location',
  'contact',
  'reaction',
  'poll',
] as const;
export type SendMessageType = (typeof MESSAGE_TYPES)[number];

/** Media by URL (http/https, fetched by the gateway) or inline base64 with its mimetype; size-limited. */
export class MediaInputDto {
  @ApiPropertyOptional({
    example: 'https://example.com/photo.jpg',
    description:
      "Downloaded by the gateway ahead of the message's turn; redirects are not followed; loopback, private, " +
      'link-local and other special-purpose addresses are refused (the message fails with "Media URL refused: ' +
      'address not allowed") unless MEDIA_ALLOWED_CIDRS or MEDIA_ALLOW_PRIVATE_NETWORKS allow them.',
  })
  @IsOptional()
  @IsString()
  @Matches(/^https?:\/\/\S+$/i, { message: 'url must be an http(s) URL' })
  @MaxLength(2048)
  url?: string;

  @ApiPropertyOptional({
    example:
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9+/=\r\n]+$/, { message: 'base64 must be base64-encoded bytes (no data: prefix)' })
  base64?: string;

  @ApiPropertyOptional({ example: 'image/png' })
  @IsOptional()
  @IsString()
  @Matches(/^[\w.+-]+\/[\w.+-]+(\s*;\s*[\w-]+=[\w.-]+)*$/, {
    message: 'mimetype must look like type/subtype',
  })
  mimetype?: string;
}

abstract class BaseMessageDto {
  @ApiProperty({
    example: '6281234567890',
    description: 'Digits with country code, or a JID (@s.whatsapp.net, @g.us, @lid)',
  })
  @IsString()
  @MaxLength(64)
  to: string;

  @ApiPropertyOptional({
    example: '3EB0C431C26A1916E3F6',
    description: 'WhatsApp id (or our id) of a message to reply to',
  })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  quotedMessageId?: string;
}

export class TextMessageDto extends BaseMessageDto {
  @ApiProperty({ enum: ['text'] }) @Equals('text') type: 'text';

  @ApiProperty({ example: 'Hello from the gateway' })
  @IsString()
  @MinLength(1)
  @MaxLength(65536)
  text: string;

  @ApiPropertyOptional({
    example: ['6281234567890'],
    description: 'Phones or JIDs mentioned in the text (groups)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(256)
  @IsString({ each: true })
  mentions?: string[];
}

export class ImageMessageDto extends BaseMessageDto {
  @ApiProperty({ enum: ['image'] }) @Equals('image') type: 'image';
  @ApiProperty({ type: MediaInputDto })
  @IsDefined()
  @IsNotEmptyObject()
  @ValidateNested()
  @Type(() => MediaInputDto)
  image: MediaInputDto;
  @ApiPropertyOptional({ example: 'Our new menu' })
  @IsOptional()
  @IsString()
  @MaxLength(4096)
  caption?: string;
}

export class VideoMessageDto extends BaseMessageDto {
  @ApiProperty({ enum: ['video'] }) @Equals('video') type: 'video';
  @ApiProperty({ type: MediaInputDto })
  @IsDefined()
  @IsNotEmptyObject()
  @ValidateNested()
  @Type(() => MediaInputDto)
  video: MediaInputDto;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(4096) caption?: string;
  @ApiPropertyOptional({ description: 'Play as a looping GIF' }) @IsOptional() @IsBoolean() gif?: boolean;
}

export class AudioMessageDto extends BaseMessageDto {
  @ApiProperty({ enum: ['audio'] }) @Equals('audio') type: 'audio';
  @ApiProperty({ type: MediaInputDto })
  @IsDefined()
  @IsNotEmptyObject()
  @ValidateNested()
  @Type(() => MediaInputDto)
  audio: MediaInputDto;
  @ApiPropertyOptional({ description: 'Send as a voice note (push-to-talk)' })
  @IsOptional()
  @IsBoolean()
  voiceNote?: boolean;
}

export class DocumentMessageDto extends BaseMessageDto {
  @ApiProperty({ enum: ['document'] }) @Equals('document') type: 'document';
  @ApiProperty({ type: MediaInputDto })
  @IsDefined()
  @IsNotEmptyObject()
  @ValidateNested()
  @Type(() => MediaInputDto)
  document: MediaInputDto;
  @ApiProperty({ example: 'invoice-42.pdf' }) @IsString() @MinLength(1) @MaxLength(255) fileName: string;
  @ApiPropertyOptional({ example: 'application/pdf', description: 'Defaults to document.mimetype' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  mimetype?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(4096) caption?: string;
}

export class LocationInputDto {
  @ApiProperty({ example: -6.2 }) @IsLatitude() latitude: number;
  @ApiProperty({ example: 106.816666 }) @IsLongitude() longitude: number;
  @ApiPropertyOptional({ example: 'Monas' }) @IsOptional() @IsString() @MaxLength(256) name?: string;
  @ApiPropertyOptional({ example: 'Jakarta' }) @IsOptional() @IsString() @MaxLength(512) address?: string;
}

export class LocationMessageDto extends BaseMessageDto {
  @ApiProperty({ enum: ['location'] }) @Equals('location') type: 'location';
  @ApiProperty({ type: LocationInputDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => LocationInputDto)
  location: LocationInputDto;
}

export class ContactInputDto {
  @ApiProperty({ example: 'Budi Santoso' }) @IsString() @MinLength(1) @MaxLength(256) name: string;
  @ApiPropertyOptional({
    example: '6281234567890',
    description: 'Used to build the vCard when `vcard` is absent',
  })
  @IsOptional()
  @Matches(/^\+?\d{6,15}$/, { message: 'contact.phone must be digits with country code' })
  phone?: string;
  @ApiPropertyOptional({ description: 'A full vCard 3.0 text' })
  @IsOptional()
  @IsString()
  @Matches(/^BEGIN:VCARD[\s\S]*END:VCARD\s*$/, {
    message: 'contact.vcard must be a vCard (BEGIN:VCARD ... END:VCARD)',
  })
  @MaxLength(8192)
  vcard?: string;
}

export class ContactMessageDto extends BaseMessageDto {
  @ApiProperty({ enum: ['contact'] }) @Equals('contact') type: 'contact';
  @ApiProperty({ type: ContactInputDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => ContactInputDto)
  contact: ContactInputDto;
}

export class ReactionInputDto {
  @ApiProperty({ example: '3EB0C431C26A1916E3F6', description: 'WhatsApp id (or our id) of the message' })
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  messageId: string;
  @ApiProperty({ example: '👍', description: 'One emoji; empty string removes the reaction' })
  @IsString()
  @MaxLength(16)
  emoji: string;
}

export class ReactionMessageDto extends BaseMessageDto {
  @ApiProperty({ enum: ['reaction'] }) @Equals('reaction') type: 'reaction';
  @ApiProperty({ type: ReactionInputDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => ReactionInputDto)
  reaction: ReactionInputDto;
}

export class PollInputDto {
  @ApiProperty({ example: 'Which day suits you?', maxLength: 255 })
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  question: string;
  @ApiProperty({
    type: [String],
    example: ['Monday', 'Tuesday', 'Wednesday'],
    description: '2 to 12 options, each unique, up to 100 characters',
  })
  @IsArray()
  @ArrayMinSize(2)
  @ArrayMaxSize(12)
  @ArrayUnique()
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(100, { each: true })
  options: string[];
  @ApiPropertyOptional({
    example: 1,
    default: 1,
    description: '1: single choice; 0: any number of options; N: up to N options',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(12)
  selectableCount?: number;
}

export class PollMessageDto extends BaseMessageDto {
  @ApiProperty({ enum: ['poll'] }) @Equals('poll') type: 'poll';
  @ApiProperty({ type: PollInputDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => PollInputDto)
  poll: PollInputDto;
}

export type SendMessageDto =
  | TextMessageDto
  | ImageMessageDto
  | VideoMessageDto
  | AudioMessageDto
  | DocumentMessageDto
  | LocationMessageDto
  | ContactMessageDto
  | ReactionMessageDto
  | PollMessageDto;

export const SEND_DTO_BY_TYPE: Record<SendMessageType, new () => SendMessageDto> = {
  text: TextMessageDto,
  image: ImageMessageDto,
  video: VideoMessageDto,
  audio: AudioMessageDto,
  document: DocumentMessageDto,
  location: LocationMessageDto,
  contact: ContactMessageDto,
  reaction: ReactionMessageDto,
  poll: PollMessageDto,
};
