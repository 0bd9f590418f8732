import { ConnectionLost } from '../../whatsapp/engine/engine-errors';
import type { SendResult } from '../../whatsapp/engine/engine.types';

export type SendOutcome =
  { ok: true; value: SendResult & { payload?: string } } | { ok: false; error: Error };

/** A send's outcome as a value: sends in flight are awaited later, or never if the loop stops first. */
export function settle(send: Promise<SendResult & { payload?: string }>): Promise<SendOutcome> {
  return send.then(
    (value) => ({ ok: true as const, value }),
    (error: Error) => ({ ok: false as const, error }),
  );
}

/** A send that failed because the connection went away (the message waits for the next one). */
export function isConnectionError(err: unknown): boolean {
  return err instanceof ConnectionLost;
}
