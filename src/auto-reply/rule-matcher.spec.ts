import { compileMatcher, MatchSpec, PatternError, REGEX_INPUT_LIMIT } from './rule-matcher';

const matcher = (match: MatchSpec['match'], pattern: string, caseSensitive = false) =>
  compileMatcher({ match, pattern, caseSensitive });

describe('rule matcher', () => {
  it('exact: the whole text, case-insensitive by default, ignoring surrounding whitespace', () => {
    const m = matcher('exact', 'ping');
    expect(m('ping')).toBe(true);
    expect(m('PING')).toBe(true);
    expect(m('  Ping\n')).toBe(true);
    expect(m('ping me')).toBe(false);
    expect(m('pingping')).toBe(false);
    expect(m('')).toBe(false);
  });

  it('exact and case-sensitive', () => {
    const m = matcher('exact', 'Ping', true);
    expect(m('Ping')).toBe(true);
    expect(m('ping')).toBe(false);
  });

  it('contains and starts_with', () => {
    const c = matcher('contains', 'price');
    expect(c('What is the PRICE of this?')).toBe(true);
    expect(c('prize')).toBe(false);
    const s = matcher('starts_with', 'order ');
    expect(s('  ORDER 42')).toBe(true);
    expect(s('my order 42')).toBe(false);
    expect(matcher('starts_with', 'Order', true)('order 1')).toBe(false);
  });

  it('compares composed and decomposed Unicode alike', () => {
    expect(matcher('exact', 'caf\u00e9')('cafe\u0301')).toBe(true);
  });

  it('regex: found anywhere, case-insensitive unless asked, RE2 syntax', () => {
    const m = matcher('regex', '^(hi|hello)\\b');
    expect(m('Hello there')).toBe(true);
    expect(m('oh hello')).toBe(false);
    expect(matcher('regex', 'order #?\\d+')('about ORDER #77 please')).toBe(true);
    expect(matcher('regex', 'ABC', true)('abc')).toBe(false);
  });

  it('rejects invalid and unsupported regexes with a clear reason', () => {
    expect(() => matcher('regex', '(unclosed')).toThrow(PatternError);
    expect(() => matcher('regex', '(unclosed')).toThrow(
      /^Invalid regular expression \(missing closing \)\)\./,
    );
    expect(() => matcher('regex', '(unclosed')).not.toThrow(/unclosed/);
    expect(() => matcher('regex', 'foo(?=bar)')).toThrow(/no lookahead, lookbehind or backreferences/);
    expect(() => matcher('regex', '(a)\\1')).toThrow(PatternError);
  });

  it('rejects a regex whose compiled program is too large', () => {
    expect(() => matcher('regex', '\\pL{999}\\pL{999}')).toThrow(/too complex/);
    expect(() => matcher('regex', 'a{1001}')).toThrow(PatternError);
  });

  it('runs catastrophic-backtracking patterns in linear time', () => {
    const started = performance.now();
    expect(matcher('regex', '(a+)+$')('a'.repeat(REGEX_INPUT_LIMIT - 1) + '!')).toBe(false);
    expect(matcher('regex', '(x+x+)+y')('x'.repeat(REGEX_INPUT_LIMIT))).toBe(false);
    expect(matcher('regex', '^(a|aa)+$')('a'.repeat(REGEX_INPUT_LIMIT - 1) + 'b')).toBe(false);
    expect(matcher('regex', '(.*a){20}')('a'.repeat(REGEX_INPUT_LIMIT))).toBe(true);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('never matches a regex against a message longer than REGEX_INPUT_LIMIT', () => {
    const m = matcher('regex', 'needle');
    expect(m('x'.repeat(REGEX_INPUT_LIMIT - 6) + 'needle')).toBe(true);
    expect(m('needle' + 'x'.repeat(REGEX_INPUT_LIMIT))).toBe(false);
    const started = performance.now();
    expect(matcher('regex', '(a+)+$')('a'.repeat(1_000_000))).toBe(false);
    expect(performance.now() - started).toBeLessThan(100);
  });
});
