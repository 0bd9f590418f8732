import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ErrorResponse } from './error-response';

/** A documented error: its description and one example body, as the API really answers it. */
export interface ErrorDoc {
  description: string;
  example: ErrorResponse;
}

/** The error statuses the API answers, each with what it means and a real example of its body. */
export const ERROR_DOCS = {
  400: {
    description: 'Malformed or invalid input',
    example: {
      error: 'Validation failed',
      details: 'to must be digits with country code or a WhatsApp JID',
    },
  },
  401: {
    description: 'Missing or wrong API key',
    example: { error: 'Unauthorized', details: 'Invalid API key' },
  },
  403: {
    description: 'Not allowed: the account lacks the rights (e.g. not a group admin)',
    example: {
      error: 'Not allowed',
      details: 'The account lacks the rights in the group: only admins may do this',
    },
  },
  404: {
    description: 'Not found',
    example: { error: 'Session not found', details: 'No session with id "sales"' },
  },
  409: {
    description: 'Conflicts with the current state',
    example: { error: 'Already linked', details: 'Session "default" is connected' },
  },
  410: {
    description: 'Gone: deleted after its retention time',
    example: { error: 'Media not available', details: { status: 'expired', reason: 'retention' } },
  },
  413: {
    description: 'Body or media larger than the limit',
    example: { error: 'Payload too large', details: 'The request body exceeds the limit of 1048576 bytes' },
  },
  422: {
    description: 'The media could not be downloaded',
    example: { error: 'Media download failed', details: 'The media URL answered HTTP 404' },
  },
  429: {
    description: 'Rate limit reached (see the Retry-After header)',
    example: {
      error: 'Too many requests',
      details: 'Limit of 1200 requests per 60 s reached; retry in 12 s',
    },
  },
  502: {
    description: 'WhatsApp did not accept the message',
    example: { error: 'Send failed', details: 'WhatsApp did not accept the message' },
  },
  503: {
    description: 'The WhatsApp session is not connected',
    example: { error: 'WhatsApp not connected', details: 'Connection status is disconnected' },
  },
  504: {
    description: 'No outcome in time; the message stays queued',
    example: {
      error: 'Send timed out',
      details: 'The message is still queued (id msg_01hx2q3w4e5r6t7y8u9i0o); it will be sent when possible',
    },
  },
} satisfies Record<number, ErrorDoc>;

export type ErrorStatus = keyof typeof ERROR_DOCS;

/** A status, or a status with a route's own description and example (either may be left out). */
export type ErrorSpec = ErrorStatus | { status: ErrorStatus; description?: string; example?: ErrorResponse };

/**
 * The error responses of a route (or of every route of a controller), each with its own description and
 * example: `@ApiErrors(400, 404, { status: 409, description: 'Already linked' })`.
 */
export function ApiErrors(...specs: ErrorSpec[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...specs.map((spec) => {
      const { status, description, example } = typeof spec === 'number' ? { status: spec } : spec;
      const doc: ErrorDoc = ERROR_DOCS[status];
      return ApiResponse({
        status,
        type: ErrorResponse,
        description: description ?? doc.description,
        example: example ?? doc.example,
      });
    }),
  );
}
