import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, Matches, Max, Min } from 'class-validator';
import { SESSION_ID_PATTERN } from '../../whatsapp/dto/session.dto';
import type { StatsBucket } from '../stats-range';

export class StatsQuery {
  @ApiPropertyOptional({
    example: '2026-12-01T00:00:00Z',
    description:
      'Start (ISO 8601), rounded down to a UTC bucket edge; default `to` minus 24 h (hour) or 30 days (day)',
  })
  @IsOptional()
  @IsISO8601()
  from?: string;

  @ApiPropertyOptional({
    example: '2026-12-02T00:00:00Z',
    description: 'End (ISO 8601, exclusive), rounded up to a UTC bucket edge; default now',
  })
  @IsOptional()
  @IsISO8601()
  to?: string;

  @ApiPropertyOptional({
    enum: ['hour', 'day'],
    description: 'Bucket size (UTC), default hour; at most 14 days of hours or 366 days of days',
  })
  @IsOptional()
  @IsIn(['hour', 'day'])
  bucket?: StatsBucket;

  @ApiPropertyOptional({ example: 'default', description: 'One session; default every session' })
  @IsOptional()
  @Matches(SESSION_ID_PATTERN, { message: 'session must be 1-64 letters, digits, "-" or "_"' })
  session?: string;

  @ApiPropertyOptional({ example: 5, description: 'How many failure reasons to list, 1-50, default 5' })
  @IsOptional()
  @Transform(({ value }) => (/^\d+$/.test(String(value)) ? Number(value) : value))
  @IsInt()
  @Min(1)
  @Max(50)
  reasons?: number;
}
