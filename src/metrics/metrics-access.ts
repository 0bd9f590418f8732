import type { IncomingHttpHeaders } from 'node:http';
import { ApiKeyService } from '../common/auth/api-key.service';
import type { ErrorBody } from '../common/errors/error-body';

/**
 * Why a scrape without a valid API key is refused, in the API's error shape; null when it may go on (the key
 * matches, or auth is disabled). The main port's global guard answers the same.
 */
export function metricsKeyRefusal(keys: ApiKeyService, headers: IncomingHttpHeaders): ErrorBody | null {
  if (keys.disabled) return null;
  const key = ApiKeyService.extract(headers);
  if (!key)
    return {
      error: 'Unauthorized',
      details: 'Missing API key: send it as "X-API-Key: <key>" or "Authorization: Bearer <key>"',
    };
  return keys.matches(key) ? null : { error: 'Unauthorized', details: 'Invalid API key' };
}
