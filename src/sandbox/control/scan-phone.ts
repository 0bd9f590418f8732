import { createHash } from 'node:crypto';

/**
 * The simulated phone that scans a session's QR when the caller names none: the same number every time for
 * that session, so a scan after a logout (or on a new machine) links the same account again. `default` gets
 * `6280000000001`; any other session a number derived from its name (`6289` + 9 digits), which never meets the
 * numbers the sandbox hands out by itself (`62800000NNNNN`).
 */
export function defaultScanPhone(sessionId: string): string {
  if (sessionId === 'default') return '6280000000001';
  const n = createHash('sha256').update(sessionId).digest().readUInt32BE(0) % 1_000_000_000;
  return `6289${String(n).padStart(9, '0')}`;
}
