import type { Request } from 'express';
import { DomainError } from '../common/errors/domain-error';

/**
 * The exact bytes of a request's body: those the JSON parser kept (`rawBody`), or, for another content type,
 * read here up to `limitBytes` (413 beyond).
 */
export async function readRawBody(req: Request, limitBytes: number): Promise<Buffer> {
  const kept = (req as Request & { rawBody?: Buffer }).rawBody;
  if (kept) return kept;
  if ((req as Request & { _body?: boolean })._body || !req.readable) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limitBytes) {
      throw new DomainError(
        413,
        'Payload too large',
        `The request body exceeds the limit of ${limitBytes} bytes`,
      );
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
