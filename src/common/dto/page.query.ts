import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';

/** `limit` and `cursor` of a cursor-paginated list (history, contacts); a list's query class extends it. */
export class PageQuery {
  @ApiPropertyOptional({ example: 50, description: '1-500, default 50' })
  @IsOptional()
  @Transform(({ value }) => (/^\d+$/.test(String(value)) ? Number(value) : value))
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,32}$/, { message: 'cursor must be a nextCursor value from a previous page' })
  cursor?: string;
}
