import { Injectable, PipeTransform } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { BadRequestError } from '../../common/errors/domain-error';
import { flattenValidationErrors } from '../../common/http/validation';
import { MESSAGE_TYPES, SEND_DTO_BY_TYPE, SendMessageDto, SendMessageType } from '../dto/send-message.dto';

/**
 * Validates a send request against the DTO of its `type` (one DTO per kind; the discriminator picks it), with
 * the same rules as the global ValidationPipe: unknown fields refused, values never echoed.
 */
@Injectable()
export class SendMessagePipe implements PipeTransform<unknown, Promise<SendMessageDto>> {
  async transform(value: unknown): Promise<SendMessageDto> {
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      throw new BadRequestError('Validation failed', 'The body must be a JSON object');
    }
    const type = (value as { type?: unknown }).type;
    if (typeof type !== 'string' || !(MESSAGE_TYPES as readonly string[]).includes(type)) {
      throw new BadRequestError('Validation failed', `type must be one of: ${MESSAGE_TYPES.join(', ')}`);
    }
    const dto = plainToInstance(SEND_DTO_BY_TYPE[type as SendMessageType], value);
    const errors = await validate(dto, { whitelist: true, forbidNonWhitelisted: true });
    if (errors.length)
      throw new BadRequestError('Validation failed', flattenValidationErrors(errors).join('; '));
    return dto;
  }
}
