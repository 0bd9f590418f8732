/**
 * A call on a connection failed because the connection closed or stopped answering (the engine's own errors are
 * mapped to it at the engine boundary). What was asked may succeed on the session's next connection.
 */
export class ConnectionLost extends Error {
  override readonly name = 'ConnectionLost';
}

/** WhatsApp shows an online state only with the account's name, and the account has none yet. */
export class NoProfileName extends Error {
  override readonly name = 'NoProfileName';
}

/** WhatsApp refused a request with a status code (e.g. 404 no such group, 403 not an admin, 401 not a member). */
export class WhatsAppRefused extends Error {
  override readonly name = 'WhatsAppRefused';

  constructor(
    readonly code: number,
    readonly reason: string,
  ) {
    super(`${code} ${reason}`);
  }

  /** Back from its message (`<code> <reason>`), after it crossed a thread. */
  static fromMessage(message: string): WhatsAppRefused {
    const [code, ...reason] = message.split(' ');
    return new WhatsAppRefused(Number(code), reason.join(' '));
  }
}
