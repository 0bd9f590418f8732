import { Injectable, PipeTransform } from '@nestjs/common';
import { BadRequestError } from '../../common/errors/domain-error';

/** A phone number in a path: digits with country code. */
@Injectable()
export class PhoneParamPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!/^\d{6,15}$/.test(value)) {
      throw new BadRequestError('Invalid phone number', 'Use digits with country code, e.g. 6281234567890');
    }
    return value;
  }
}
