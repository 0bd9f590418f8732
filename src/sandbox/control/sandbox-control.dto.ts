import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';

export class ContactMessageDto {
  @ApiProperty({ example: 'ping', description: 'The text the contact sends (or the caption of its image)' })
  @IsString()
  @MinLength(1)
  @MaxLength(4096)
  text: string;

  @ApiPropertyOptional({ example: 'default', description: 'The session (linked account) that receives it' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'session must be a session id' })
  session?: string;

  @ApiPropertyOptional({ example: 'Budi', description: "The contact's WhatsApp display name" })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  pushName?: string;

  @ApiPropertyOptional({
    enum: ['text', 'image'],
    description: '`image` sends a small picture with `text` as caption',
  })
  @IsOptional()
  @Matches(/^(text|image)$/, { message: 'kind must be "text" or "image"' })
  kind?: 'text' | 'image';
}

export class ScanResultView {
  @ApiProperty({ example: 'default' }) session: string;
  @ApiProperty({ example: '6280000000001', description: 'The simulated phone number now linked' })
  phone: string;
  @ApiProperty({ example: '100000000000001@lid' }) lid: string;
}

export class SentByContactView {
  @ApiProperty({ example: '3EB0A1B2C3D4E5F6' }) id: string;
  @ApiProperty({ example: '6281234567890' }) from: string;
  @ApiProperty({ example: '6280000000001' }) to: string;
}

export class ContactReceivedView {
  @ApiProperty({ example: '3EB0A1B2C3D4E5F6' }) id: string;
  @ApiProperty({ example: '6280000000001', description: 'The linked account that sent it' }) from: string;
  @ApiProperty({ example: 'text' }) kind: string;
  @ApiPropertyOptional({ example: 'Hello' }) text?: string;
  @ApiPropertyOptional() caption?: string;
  @ApiPropertyOptional() fileName?: string;
  @ApiPropertyOptional() mimetype?: string;
  @ApiPropertyOptional() latitude?: number;
  @ApiPropertyOptional() longitude?: number;
  @ApiPropertyOptional() quotedId?: string;
  @ApiPropertyOptional() reaction?: { text: string; targetId: string };
  @ApiProperty({ example: '2026-11-25T10:00:00.000Z' }) at: string;
  @ApiProperty({ nullable: true }) deliveredAt: string | null;
  @ApiProperty({ nullable: true }) readAt: string | null;
  @ApiProperty({
    example: 1,
    description: 'How often this message id reached the contact (a resent id is kept once, as WhatsApp does)',
  })
  timesReceived: number;
}
