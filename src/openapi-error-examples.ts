import type { ErrorResponse } from './common/errors/error-response';

/**
 * What a 404 of a path says: the resource its path names, in NotFoundError's words. The first match wins;
 * paths not listed are about sessions.
 */
export const NOT_FOUND_BY_PATH: [RegExp, ErrorResponse][] = [
  [
    /^\/api\/auto-reply-rules\//,
    { error: 'Auto-reply rule not found', details: 'No auto-reply rule with id "rule_9b1c2d3e"' },
  ],
  [
    /^\/api\/webhook-endpoints\//,
    { error: 'Webhook endpoint not found', details: 'No webhook endpoint with id "we_3f2a9c0d4b5e4f6a"' },
  ],
  [
    /^\/api\/webhook-deliveries\//,
    { error: 'Webhook delivery not found', details: 'No webhook delivery with id "whd_f72ae6ad545b442e"' },
  ],
];

/**
 * The examples of errors whose routes declare them without one, keyed `METHOD path status`: each is what the
 * route's service really throws.
 */
export const ROUTE_ERROR_EXAMPLES: Record<string, ErrorResponse> = {
  'POST /api/sessions 409': { error: 'Session exists', details: 'A session with id "sales" already exists' },
  'DELETE /api/sessions/{id} 409': {
    error: 'Cannot delete the default session',
    details: 'Use POST /api/sessions/default/logout to unlink it',
  },
  'GET /api/sessions/{id}/qr 404': {
    error: 'QR code not available',
    details: 'The session is connected; no QR is needed',
  },
  'GET /api/whatsapp/qr 404': {
    error: 'QR code not available',
    details: 'The session is connected; no QR is needed',
  },
  'POST /api/sessions/{id}/pairing-code 409': {
    error: 'Already linked',
    details: 'Session "default" is linked to 6281234567890',
  },
  'POST /api/sessions/{id}/pairing-code 503': {
    error: 'Pairing code not available',
    details: 'Connection Closed',
  },
  'POST /api/sandbox/contacts/{phone}/messages 409': {
    error: 'Session not linked',
    details: 'Session "default" has no linked account; scan its QR first',
  },
  'POST /api/sandbox/contacts/{phone}/presence 409': {
    error: 'Session not linked',
    details: 'Session "default" has no linked account; scan its QR first',
  },
  'POST /api/sandbox/sessions/{session}/disconnect 409': {
    error: 'Session not linked',
    details: 'Session "default" has no linked account; scan its QR first',
  },
};
