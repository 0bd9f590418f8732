import type { OpenAPIObject } from '@nestjs/swagger';
import { ERROR_DOCS, ErrorDoc } from './common/errors/api-errors';
import type { ErrorResponse } from './common/errors/error-response';
import { NOT_FOUND_BY_PATH, ROUTE_ERROR_EXAMPLES } from './openapi-error-examples';

type Operation = NonNullable<OpenAPIObject['paths'][string]['get']>;
type ResponseObject = Exclude<NonNullable<Operation['responses'][string]>, { $ref: string }>;
type MediaObject = NonNullable<ResponseObject['content']>[string];

const ERROR_SCHEMA = '#/components/schemas/ErrorResponse';
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

/**
 * Gives every error response of the document its own example and description where its route did not (routes
 * that use `@ApiNotFoundResponse({type: ErrorResponse})` and the like), and the 429 of the global rate limit
 * to every operation; errors are always JSON. The example is the route's own (ROUTE_ERROR_EXAMPLES), the 404 of
 * the resource its path names, or the status's usual one. Without this, each error would show the one example
 * of the ErrorResponse schema.
 */
export function completeErrorResponses(doc: OpenAPIObject): OpenAPIObject {
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      op.responses['429'] ??= { description: '', content: errorContent() };
      for (const [code, response] of Object.entries(op.responses)) {
        const known = (ERROR_DOCS as Record<string, ErrorDoc | undefined>)[code];
        if (!known || !response || '$ref' in response) continue;
        const r = response as ResponseObject;
        jsonErrors(r);
        const media = r.content?.['application/json'];
        if (!media || (media.schema as { $ref?: string } | undefined)?.$ref !== ERROR_SCHEMA) continue;
        if (!r.description) r.description = known.description;
        if (media.example === undefined && media.examples === undefined) {
          media.example = exampleFor(`${method.toUpperCase()} ${path} ${code}`, path, code) ?? known.example;
        }
      }
    }
  }
  return doc;
}

function exampleFor(route: string, path: string, code: string): ErrorResponse | undefined {
  if (ROUTE_ERROR_EXAMPLES[route]) return ROUTE_ERROR_EXAMPLES[route];
  if (code === '404') return NOT_FOUND_BY_PATH.find(([pattern]) => pattern.test(path))?.[1];
  return undefined;
}

/** Errors are JSON even on routes that produce something else (a PNG), whose media type their errors took. */
function jsonErrors(r: ResponseObject): void {
  for (const [type, media] of Object.entries<MediaObject>(r.content ?? {})) {
    if (type === 'application/json' || (media.schema as { $ref?: string } | undefined)?.$ref !== ERROR_SCHEMA)
      continue;
    delete r.content![type];
    r.content!['application/json'] ??= media;
  }
}

function errorContent(): ResponseObject['content'] {
  return { 'application/json': { schema: { $ref: ERROR_SCHEMA } } };
}
