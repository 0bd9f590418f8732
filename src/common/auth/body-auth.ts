/**
 * A route guard that authenticates a request by its body (a signature over the raw bytes) rather than by the
 * API key. Before any body is read, the gateway asks it whether it will: if so, a request without the API key
 * may send its body (up to BODY_LIMIT_BYTES) for the guard to verify; if not, the route is treated like any
 * key-protected route.
 */
export interface AuthenticatesByBody {
  authenticatesByBody(): boolean;
}

export function authenticatesByBody(guard: unknown): guard is AuthenticatesByBody {
  return typeof (guard as Partial<AuthenticatesByBody> | null)?.authenticatesByBody === 'function';
}
