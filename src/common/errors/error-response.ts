import { ApiProperty } from '@nestjs/swagger';

/** The one error shape of the API: `{ error, details }`. */
export class ErrorResponse {
  @ApiProperty({ example: 'Validation failed' })
  error: string;

  @ApiProperty({
    oneOf: [{ type: 'string' }, { type: 'object' }],
    example: 'to must be digits with country code or a WhatsApp JID',
  })
  details: string | Record<string, unknown>;
}
