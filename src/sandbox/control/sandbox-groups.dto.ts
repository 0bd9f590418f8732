import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';

const PHONE = /^\d{6,15}$/;
const PHONE_MESSAGE = 'must be digits with country code, e.g. 6281234567890';
const SESSION = /^[A-Za-z0-9_-]{1,64}$/;

export class SandboxCreateGroupDto {
  @ApiProperty({ example: '6281234567890', description: 'The simulated contact that creates the group' })
  @Matches(PHONE, { message: `creator ${PHONE_MESSAGE}` })
  creator: string;

  @ApiProperty({ example: 'Arisan RT 05' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  subject: string;

  @ApiPropertyOptional({
    type: [String],
    example: ['6281234567891'],
    description: 'Other simulated contacts in it (the session’s account is always added)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @Matches(PHONE, { each: true, message: `members ${PHONE_MESSAGE}` })
  members?: string[];

  @ApiPropertyOptional({ example: 'default', description: 'The session whose account is added' })
  @IsOptional()
  @Matches(SESSION, { message: 'session must be a session id' })
  session?: string;
}

export class SandboxGroupMessageDto {
  @ApiProperty({ example: '6281234567890', description: 'The member that writes' })
  @Matches(PHONE, { message: `from ${PHONE_MESSAGE}` })
  from: string;

  @ApiProperty({ example: 'Halo semua', description: 'The text (or the caption of its image)' })
  @IsString()
  @MinLength(1)
  @MaxLength(4096)
  text: string;

  @ApiPropertyOptional({ example: 'Budi' })
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

export class SandboxParticipantsDto {
  @ApiProperty({ example: '6281234567890', description: 'The member (an admin) that makes the change' })
  @Matches(PHONE, { message: `actor ${PHONE_MESSAGE}` })
  actor: string;

  @ApiProperty({ type: [String], example: ['6281234567892'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @Matches(PHONE, { each: true, message: `participants ${PHONE_MESSAGE}` })
  participants: string[];
}

export class SandboxLeaveDto {
  @ApiProperty({ example: '6281234567890', description: 'The member that leaves' })
  @Matches(PHONE, { message: `phone ${PHONE_MESSAGE}` })
  phone: string;
}

export class SandboxSubjectDto {
  @ApiProperty({ example: '6281234567890', description: 'The member that changes it' })
  @Matches(PHONE, { message: `actor ${PHONE_MESSAGE}` })
  actor: string;

  @ApiProperty({ example: 'Arisan RT 05 (2027)' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  subject: string;
}

export class SandboxGroupMemberView {
  @ApiProperty({ example: '6281234567890' }) phone: string;
  @ApiProperty({ enum: ['member', 'admin', 'superadmin'], example: 'member' }) role: string;
}

export class SandboxGroupView {
  @ApiProperty({ example: '120363000000000001@g.us' }) id: string;
  @ApiProperty({ example: 'Arisan RT 05' }) subject: string;
  @ApiProperty({ example: '6281234567890' }) creator: string;
  @ApiProperty({ example: false }) announce: boolean;
  @ApiProperty({ example: false }) restrict: boolean;
  @ApiProperty({ type: SandboxGroupMemberView, isArray: true }) members: SandboxGroupMemberView[];
}

export class SandboxParticipantResultView {
  @ApiProperty({ example: '6281234567892' }) phone: string;
  @ApiProperty({ example: 200, description: '200, or WhatsApp’s refusal (403, 404, 409)' }) code: number;
}

export class SandboxGroupSentView {
  @ApiProperty({ example: '3EB0A1B2C3D4E5F6' }) id: string;
  @ApiProperty({ example: '120363000000000001@g.us' }) group: string;
  @ApiProperty({ example: '6281234567890' }) from: string;
}
