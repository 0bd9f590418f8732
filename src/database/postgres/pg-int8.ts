import { types } from 'pg';

/**
 * node-postgres returns `bigint` (int8, OID 20) as a string by default, since it can exceed 2^53. Ours never
 * does: they are epoch-millisecond times, sequence numbers and COUNT(*) results, all far below 2^53 (that is year
 * 287396 in ms, or 9e15 rows), so they are parsed as JS numbers, as better-sqlite3 gives them. A value beyond
 * 2^53 would be a bug and fails loudly rather than being rounded. Importing this module sets the parser for
 * every `pg` connection of the process; `numeric` (SUM over `bigint`, AVG) stays a string.
 */
function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new RangeError(`int8 value ${text} is beyond 2^53`);
  return value;
}

types.setTypeParser(types.builtins.INT8, parseInt8);
