import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Matches, MaxLength, Min, MinLength } from 'class-validator';

export class SeedSendDto {
  @ApiProperty({ example: '6281234567890', description: 'Digits with country code' })
  @IsString()
  @MaxLength(64)
  to: string;

  @ApiProperty({ example: 'Hello from WhatsApp API!' })
  @IsString()
  @MinLength(1)
  @MaxLength(65536)
  message: string;
}

export class SeedSendView {
  @ApiProperty({ example: true }) success: true;
  @ApiProperty({ example: '3EB0C431C26A1916E3F6' }) messageId: string;
  @ApiProperty({ example: '6281234567890@s.whatsapp.net' }) to: string;
  @ApiProperty({ example: 'Hello from WhatsApp API!' }) message: string;
}

export class SeedReceiveDto {
  @ApiProperty({ example: '6281234567890' })
  @Matches(/^\d{6,15}$/, { message: 'from must be digits with country code' })
  from: string;

  @ApiProperty({ example: 'ping' })
  @IsString()
  @MinLength(1)
  @MaxLength(65536)
  message: string;

  @ApiPropertyOptional({
    example: 1764669600,
    description:
      'Unix seconds; default now. Stored as the message time; older than AUTO_REPLY_MAX_AGE_SECONDS: no auto-reply',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  timestamp?: number;
}

export class SeedReceiveView {
  @ApiProperty({ example: 'success' }) status: 'success';
  @ApiProperty({ example: 'Message received' }) message: string;
  @ApiProperty({ example: 'msg_lx2a3b4c5d6e7f8a9b0c' }) id: string;
}

export class ContactLookupView {
  @ApiProperty({ example: '6281234567890' }) phone: string;
  @ApiProperty({ example: true }) exists: boolean;
  @ApiProperty({ type: String, example: '6281234567890@s.whatsapp.net', nullable: true }) jid: string | null;
  @ApiProperty({ type: String, example: '100000000000002@lid', nullable: true }) lid: string | null;
}
