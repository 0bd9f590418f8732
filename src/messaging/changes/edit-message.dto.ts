import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';

export class EditMessageDto {
  @ApiProperty({ example: 'Your order 1001 has shipped (tracking: JX123)', description: 'The new text' })
  @IsString()
  @MinLength(1)
  @MaxLength(65536)
  text: string;
}
