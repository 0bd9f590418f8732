import { plainToInstance, Type } from 'class-transformer';
import { IsString, MaxLength, ValidateNested, validateSync } from 'class-validator';
import { flattenValidationErrors, MAX_LISTED_PROBLEMS } from './validation';

class Row {
  @IsString() title: string;
}

class Body {
  @IsString() @MaxLength(5) text: string;
  @ValidateNested({ each: true }) @Type(() => Row) rows: Row[];
}

function problems(plain: object): string[] {
  const errors = validateSync(plainToInstance(Body, plain), { whitelist: true, forbidNonWhitelisted: true });
  return flattenValidationErrors(errors);
}

describe('flattenValidationErrors', () => {
  it('names fields and short, plain unknown properties', () => {
    expect(problems({ text: 'too long', rows: [{ title: 1 }], colour: 'red' })).toEqual([
      'property colour should not exist',
      'text must be shorter than or equal to 5 characters',
      'rows.0.title must be a string',
    ]);
  });

  it('counts unknown properties whose names are long or unusual instead of repeating them', () => {
    const long = 'x'.repeat(500);
    const out = problems({ text: 'ok', rows: [{ title: 't', '<img src=x>': 1 }], [long]: 1, 'a b': 2 });
    expect(out).toEqual([
      'rows.0: 1 unknown property (name not shown) should not exist',
      '2 unknown properties (names not shown) should not exist',
    ]);
    expect(out.join()).not.toContain('xxxxxxxx');
    expect(out.join()).not.toContain('<img');
  });

  it(`lists at most ${MAX_LISTED_PROBLEMS} problems and counts the rest`, () => {
    const rows = Array.from({ length: 1000 }, () => ({ title: 1 }));
    const out = problems({ text: 'ok', rows });
    expect(out).toHaveLength(MAX_LISTED_PROBLEMS + 1);
    expect(out[MAX_LISTED_PROBLEMS]).toBe(`and ${1000 - MAX_LISTED_PROBLEMS} more problems`);
  });
});
