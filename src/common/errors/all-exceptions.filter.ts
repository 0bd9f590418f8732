import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
  NotFoundException,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError } from './domain-error';
import { errorBody, errorForStatus } from './error-body';
import { routeNotFoundDetails } from './route-not-found';

/**
 * The only exception filter. Every failure becomes `{error, details}` with the right status. Unknown errors are
 * logged with the request id and answered as a bare 500: no message, stack or body ever reaches the client.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') return;
    const res = host.switchToHttp().getResponse<Response>();
    const req = host.switchToHttp().getRequest<Request>();
    if (res.headersSent) return;
    const { status, body } = this.toResponse(exception, req);
    res.status(status).json(body);
  }

  private toResponse(exception: unknown, req: Request) {
    if (exception instanceof DomainError) {
      return { status: exception.status, body: errorBody(exception.error, exception.details) };
    }
    if (exception instanceof NotFoundException && /^Cannot [A-Z]+ /.test(exception.message)) {
      // No route matched (Nest's "Cannot GET <url>" would echo the whole URL, query string included).
      return { status: 404, body: errorBody('Not Found', routeNotFoundDetails(req.method, req.path)) };
    }
    if (exception instanceof HttpException) {
      return { status: exception.getStatus(), body: this.fromHttpException(exception) };
    }
    const requestId = String(req.headers['x-request-id'] ?? (req as any).id ?? '');
    this.logger.error(
      `Unhandled error on ${req.method} ${req.path} [request ${requestId}]`,
      exception instanceof Error ? exception.stack : String(exception),
    );
    return {
      status: HttpStatus.INTERNAL_SERVER_ERROR,
      body: errorBody(
        'Internal server error',
        `Something went wrong; quote request id ${requestId} when reporting it`,
      ),
    };
  }

  private fromHttpException(exception: HttpException) {
    const status = exception.getStatus();
    const response = exception.getResponse();
    if (typeof response === 'object' && response && 'error' in response && 'details' in response) {
      return response as { error: string; details: unknown };
    }
    const error = errorForStatus(status);
    if (typeof response === 'string') return errorBody(error, response);
    const message = (response as { message?: unknown }).message;
    if (Array.isArray(message))
      return errorBody(status === 400 ? 'Validation failed' : error, message.join('; '));
    if (typeof message === 'string') return errorBody(error, message);
    return errorBody(error, response as Record<string, unknown>);
  }
}
