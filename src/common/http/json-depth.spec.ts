import { jsonNestsDeeperThan } from './json-depth';

const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
const check = (text: string, max: number) => jsonNestsDeeperThan(Buffer.from(text), max);

describe('jsonNestsDeeperThan', () => {
  it('counts objects and arrays, one level each', () => {
    expect(check(deep(32), 32)).toBe(false);
    expect(check(deep(33), 32)).toBe(true);
    expect(check('{"a":{"b":[{"c":1}]}}', 4)).toBe(false);
    expect(check('{"a":{"b":[{"c":1}]}}', 3)).toBe(true);
    expect(check(deep(5000), 32)).toBe(true);
  });

  it('counts depth, not the number of siblings', () => {
    expect(check(JSON.stringify(Array.from({ length: 1000 }, () => ({ a: [1] }))), 3)).toBe(false);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(check(JSON.stringify({ text: '[[[[[[{{{{{' }), 1)).toBe(false);
    expect(check(JSON.stringify({ text: 'say \\"[[[[" "{{{{' }), 1)).toBe(false);
    expect(check(JSON.stringify({ text: 'ends with a backslash \\', more: [[1]] }), 2)).toBe(true);
    expect(check(JSON.stringify({ text: 'ends with a backslash \\', more: [[1]] }), 3)).toBe(false);
  });

  it('handles scalars, empty input and unterminated strings', () => {
    expect(check('"just a string"', 0)).toBe(false);
    expect(check('', 0)).toBe(false);
    expect(check('{"a": "never ends', 1)).toBe(false);
  });
});
