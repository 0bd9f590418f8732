import { ApiKeyService } from '../common/auth/api-key.service';

/** What a Socket.IO client sent when it connected (the parts the gateway reads). */
export interface HandshakeLike {
  auth?: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * The API key a client presented: `auth.token` in the handshake (what browsers send), or, for server-side
 * clients, the same `X-API-Key` / `Authorization: Bearer` headers as the REST API.
 */
export function handshakeKey(handshake: HandshakeLike): string | undefined {
  const token = handshake.auth?.token;
  if (typeof token === 'string' && token) return token;
  return ApiKeyService.extract(handshake.headers);
}

/** Why a handshake is refused, in the REST error shape; `null` when it is accepted. */
export function refusal(
  handshake: HandshakeLike,
  keys: Pick<ApiKeyService, 'disabled' | 'matches'>,
): { error: string; details: string } | null {
  if (keys.disabled) return null;
  const key = handshakeKey(handshake);
  if (!key) {
    return {
      error: 'Unauthorized',
      details: 'Missing API key: connect with io(url, { auth: { token: "<key>" } })',
    };
  }
  if (!keys.matches(key)) return { error: 'Unauthorized', details: 'Invalid API key' };
  return null;
}
