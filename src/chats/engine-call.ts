import { DomainError } from '../common/errors/domain-error';
import { ConnectionLost, NoProfileName } from '../whatsapp/engine/engine-errors';

/**
 * Runs a call on a session's connection and turns what it may throw into domain errors: the connection went
 * away (503), the account has no profile name (409), WhatsApp did not take it (502, with `what`).
 */
export async function engineCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof DomainError) throw err;
    if (err instanceof ConnectionLost)
      throw new DomainError(503, 'WhatsApp not connected', `The connection went away: ${err.message}`);
    if (err instanceof NoProfileName) throw new DomainError(409, 'No profile name', err.message);
    throw new DomainError(502, `${what} failed`, `WhatsApp did not take it: ${(err as Error).message}`);
  }
}
