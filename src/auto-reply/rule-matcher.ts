import { RE2JS, RE2JSException } from 're2js';

/**
 * How a rule's pattern is compared with an incoming text. Pure and synchronous.
 *
 * - `exact`: the whole text, ignoring surrounding whitespace;
 * - `contains`: anywhere in the text;
 * - `starts_with`: at the start of the text, ignoring leading whitespace;
 * - `regex`: an RE2 regular expression, found anywhere in the text (anchor it with `^...$` for a whole-text match).
 *
 * Regexes run on re2js, a linear-time engine: no backtracking, so `(a+)+$` costs the same as `a+`. RE2 syntax has
 * no lookaround and no backreferences; such patterns are rejected when the rule is saved. To bound the constant
 * factor as well, a pattern whose compiled program is larger than MAX_REGEX_PROGRAM_SIZE is rejected, and a
 * message longer than REGEX_INPUT_LIMIT characters never matches a regex rule (cutting it short instead would
 * change what `$` means).
 */
export const MATCH_KINDS = ['exact', 'contains', 'starts_with', 'regex'] as const;
export type MatchKind = (typeof MATCH_KINDS)[number];

export const MAX_REGEX_PROGRAM_SIZE = 1000;
export const REGEX_INPUT_LIMIT = 4096;

export interface MatchSpec {
  match: MatchKind;
  pattern: string;
  caseSensitive: boolean;
}

export type TextMatcher = (text: string) => boolean;

/** A pattern that cannot be used; the message says why, in terms a user can act on (never the input text). */
export class PatternError extends Error {}

const normalize = (s: string, caseSensitive: boolean) => {
  const n = s.normalize('NFC');
  return caseSensitive ? n : n.toLowerCase();
};

/** Compiles a rule's pattern once; throws PatternError for a regex that is invalid or too expensive. */
export function compileMatcher(spec: MatchSpec): TextMatcher {
  const { caseSensitive } = spec;
  if (spec.match === 'regex') return compileRegex(spec.pattern, caseSensitive);
  const pattern = normalize(spec.pattern, caseSensitive);
  switch (spec.match) {
    case 'exact': {
      const wanted = pattern.trim();
      return (text) => normalize(text, caseSensitive).trim() === wanted;
    }
    case 'contains':
      return (text) => normalize(text, caseSensitive).includes(pattern);
    case 'starts_with':
      return (text) => normalize(text, caseSensitive).trimStart().startsWith(pattern);
    default:
      throw new PatternError(`Unknown match kind "${String(spec.match)}"`);
  }
}

function compileRegex(pattern: string, caseSensitive: boolean): TextMatcher {
  let re: RE2JS;
  try {
    re = RE2JS.compile(pattern, caseSensitive ? 0 : RE2JS.CASE_INSENSITIVE);
  } catch (err) {
    if (err instanceof RE2JSException) {
      // RE2's message quotes the offending fragment of the pattern; keep only the reason (bodies are never echoed).
      const reason = err.message.replace(/^error parsing regexp: /, '').replace(/: `[\s\S]*`$/, '');
      throw new PatternError(
        `Invalid regular expression (${reason}). ` +
          'Patterns use RE2 syntax (https://github.com/google/re2/wiki/Syntax): no lookahead, lookbehind or ' +
          'backreferences, repetition counts up to 1000.',
      );
    }
    throw err;
  }
  if (re.programSize() > MAX_REGEX_PROGRAM_SIZE) {
    throw new PatternError(
      `Regular expression too complex (program size ${re.programSize()}, limit ${MAX_REGEX_PROGRAM_SIZE}); ` +
        'use smaller repetition counts such as {1,50} instead of {1,999}',
    );
  }
  return (text) => text.length <= REGEX_INPUT_LIMIT && re.test(text);
}
