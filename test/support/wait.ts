/**
 * Polls `probe` until it returns a truthy value, or fails after `timeoutMs` with the last value seen.
 * Tests wait on outcomes with a deadline; they never sleep a fixed time.
 */
export async function waitUntil<T>(
  probe: () => T | Promise<T>,
  {
    timeoutMs = 15_000,
    intervalMs = 50,
    what = 'condition',
  }: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      last = await probe();
      if (last) return last as NonNullable<T>;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  const detail = lastError
    ? ` (last error: ${(lastError as Error).message})`
    : ` (last value: ${JSON.stringify(last)})`;
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${detail}`);
}
