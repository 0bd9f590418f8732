import { ConnectionLost } from '../engine-errors';

/** Baileys' status codes of a call cut short by its connection: closed (428) and timed out (408). */
const CONNECTION_CODES = new Set([428, 408]);

/**
 * Maps an error a Baileys call threw to the engine's errors: a connection that went away becomes
 * `ConnectionLost` (same message); any other error is returned as it is.
 */
export function toEngineError(err: unknown): unknown {
  const code = (err as { output?: { statusCode?: number } } | null)?.output?.statusCode;
  const message = String((err as Error | null)?.message ?? err);
  if ((code != null && CONNECTION_CODES.has(code)) || /connection (closed|lost)|not open/i.test(message))
    return new ConnectionLost(message, { cause: err });
  return err;
}

/** Rethrows what a Baileys call threw as the engine's error (for a promise's `catch`). */
export function rethrowAsEngineError(err: unknown): never {
  throw toEngineError(err);
}
