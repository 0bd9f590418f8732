import { BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';

/** class-validator errors as `field: message` lines (nested fields dotted); values are never included. */
export function flattenValidationErrors(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => {
    const name = prefix + e.property;
    const own = Object.values(e.constraints ?? {}).map((m) =>
      m.startsWith(e.property) ? prefix + m : `${name}: ${m}`,
    );
    return [...own, ...flattenValidationErrors(e.children ?? [], `${name}.`)];
  });
}

/** The one global ValidationPipe: unknown fields are refused, values are transformed to the DTO's types. */
export function validationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) =>
      new BadRequestException({
        error: 'Validation failed',
        details: flattenValidationErrors(errors).join('; '),
      }),
  });
}
