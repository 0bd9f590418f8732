import { BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';
import { shownName } from '../errors/safe-name';

/** Problems named one by one in a 400; the rest are counted. */
export const MAX_LISTED_PROBLEMS = 20;

/**
 * class-validator errors as `field: message` lines (nested fields dotted); values are never included. Property
 * names come from the client for unknown properties: a name is repeated only when short and plain (see
 * `shownName`); the others are counted, and at most MAX_LISTED_PROBLEMS lines are listed.
 */
export function flattenValidationErrors(errors: ValidationError[], prefix = ''): string[] {
  const lines = collect(errors, prefix);
  if (lines.length <= MAX_LISTED_PROBLEMS) return lines;
  return [...lines.slice(0, MAX_LISTED_PROBLEMS), `and ${lines.length - MAX_LISTED_PROBLEMS} more problems`];
}

function collect(errors: ValidationError[], prefix: string): string[] {
  const lines: string[] = [];
  let hiddenUnknown = 0;
  for (const e of errors) {
    const shown = shownName(e.property);
    if (e.constraints?.whitelistValidation) {
      if (shown) lines.push(`property ${prefix}${shown} should not exist`);
      else hiddenUnknown++;
      continue;
    }
    const label = shown ?? '?';
    const name = prefix + label;
    for (const message of Object.values(e.constraints ?? {})) {
      const text = shown ? message : message.split(e.property).join(label);
      lines.push(text.startsWith(label) ? prefix + text : `${name}: ${text}`);
    }
    lines.push(...collect(e.children ?? [], `${name}.`));
  }
  if (hiddenUnknown) {
    const where = prefix ? `${prefix.slice(0, -1)}: ` : '';
    lines.push(
      hiddenUnknown === 1
        ? `${where}1 unknown property (name not shown) should not exist`
        : `${where}${hiddenUnknown} unknown properties (names not shown) should not exist`,
    );
  }
  return lines;
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
