import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsOptional,
  IsString,
  MaxLength,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';

const PARTICIPANTS = {
  type: String,
  isArray: true,
  example: ['6281234567890', '6281234567891'],
  description: 'Phone numbers with country code, or JIDs (`…@s.whatsapp.net`)',
};

export class CreateGroupDto {
  @ApiProperty({ example: 'Customer support', description: 'The group name (1 to 100 characters)' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  subject: string;

  @ApiProperty({ ...PARTICIPANTS, description: `${PARTICIPANTS.description}; 1 to 256 people` })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(256)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  participants: string[];
}

export class GroupSettingsDto {
  @ApiPropertyOptional({ example: true, description: 'Only admins send messages' })
  @IsOptional()
  @IsBoolean()
  announcementOnly?: boolean;

  @ApiPropertyOptional({
    example: true,
    description: 'Only admins edit the subject, description and picture',
  })
  @IsOptional()
  @IsBoolean()
  locked?: boolean;

  @ApiPropertyOptional({ example: false, description: 'New members need an admin to approve them' })
  @IsOptional()
  @IsBoolean()
  approvalRequired?: boolean;
}

export class UpdateGroupDto {
  @ApiPropertyOptional({ example: 'Support (EU)', description: 'A new subject (1 to 100 characters)' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  subject?: string;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: 'Questions about orders, weekdays 9-17',
    description: 'A new description (up to 2048 characters); null removes it',
  })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsString()
  @MaxLength(2048)
  description?: string | null;

  @ApiPropertyOptional({ type: GroupSettingsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => GroupSettingsDto)
  settings?: GroupSettingsDto;
}

export class ParticipantsDto {
  @ApiProperty({ ...PARTICIPANTS, description: `${PARTICIPANTS.description}; 1 to 100 people` })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  participants: string[];
}

export class JoinGroupDto {
  @ApiProperty({
    example: 'HbCdEfGhIjKlMnOpQrStUv',
    description: 'The invite code, or the whole link (`https://chat.whatsapp.com/<code>`)',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  code: string;
}

export class GroupParticipantView {
  @ApiProperty({ example: '6281234567890@s.whatsapp.net' }) jid: string;
  @ApiProperty({ type: String, nullable: true, example: '6281234567890' }) phone: string | null;
  @ApiProperty({ type: String, nullable: true, example: '200000000000001@lid', description: 'When known' })
  lid: string | null;
  @ApiProperty({ enum: ['member', 'admin', 'superadmin'], example: 'admin' }) role: string;
}

export class GroupSettingsView {
  @ApiProperty({ example: false }) announcementOnly: boolean;
  @ApiProperty({ example: false }) locked: boolean;
  @ApiProperty({ example: false }) approvalRequired: boolean;
}

export class GroupSummaryView {
  @ApiProperty({ example: '120363000000000001@g.us' }) id: string;
  @ApiProperty({ example: 'Customer support' }) subject: string;
  @ApiProperty({ example: 4, description: 'How many participants' }) size: number;
  @ApiProperty({
    enum: ['member', 'admin', 'superadmin'],
    nullable: true,
    example: 'superadmin',
    description: "The account's own role (null: not listed, e.g. it was removed)",
  })
  role: string | null;
}

export class GroupListView {
  @ApiProperty({ example: 'default' }) session: string;
  @ApiProperty({ type: GroupSummaryView, isArray: true }) items: GroupSummaryView[];
}

export class GroupView extends GroupSummaryView {
  @ApiProperty({ example: 'default' }) session: string;
  @ApiProperty({ type: String, nullable: true, example: 'Questions about orders' }) description:
    string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    example: '6281234567890@s.whatsapp.net',
    description: 'Creator',
  })
  owner: string | null;
  @ApiProperty({ type: String, nullable: true, example: '2026-12-02T10:00:00.000Z' }) createdAt:
    string | null;
  @ApiProperty({ type: GroupSettingsView }) settings: GroupSettingsView;
  @ApiProperty({ type: GroupParticipantView, isArray: true }) participants: GroupParticipantView[];
}

export class ParticipantResultView {
  @ApiProperty({ example: '6281234567890@s.whatsapp.net' }) jid: string;
  @ApiProperty({ example: true }) ok: boolean;
  @ApiProperty({ example: 200, description: "WhatsApp's status for this participant" }) status: number;
  @ApiProperty({
    type: String,
    nullable: true,
    example: null,
    description: 'Why WhatsApp refused (e.g. `privacy settings do not allow it`, `already in the group`)',
  })
  reason: string | null;
}

export class ParticipantsResultView {
  @ApiProperty({ example: 'default' }) session: string;
  @ApiProperty({ example: '120363000000000001@g.us' }) group: string;
  @ApiProperty({ enum: ['add', 'remove', 'promote', 'demote'], example: 'add' }) action: string;
  @ApiProperty({ type: ParticipantResultView, isArray: true }) results: ParticipantResultView[];
}

export class InviteView {
  @ApiProperty({ example: '120363000000000001@g.us' }) group: string;
  @ApiProperty({ example: 'HbCdEfGhIjKlMnOpQrStUv' }) code: string;
  @ApiProperty({ example: 'https://chat.whatsapp.com/HbCdEfGhIjKlMnOpQrStUv' }) link: string;
}

export class JoinedView {
  @ApiProperty({ example: 'default' }) session: string;
  @ApiProperty({ example: '120363000000000001@g.us' }) group: string;
}

export class LeftView {
  @ApiProperty({ example: 'default' }) session: string;
  @ApiProperty({ example: '120363000000000001@g.us' }) group: string;
  @ApiProperty({ example: true }) left: boolean;
}

export class PictureView {
  @ApiProperty({ example: '120363000000000001@g.us' }) group: string;
  @ApiProperty({ type: String, nullable: true, example: null, description: 'null: the group has no picture' })
  url: string | null;
}
