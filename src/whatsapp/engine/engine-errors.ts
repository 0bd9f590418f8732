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
