/**
 * Services throw domain errors; the exception filter maps them to `{error, details}` and the status given here.
 * Nothing in a domain error may contain a request body.
 */
export class DomainError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly details: string | Record<string, unknown>,
  ) {
    super(`${error}: ${typeof details === 'string' ? details : JSON.stringify(details)}`);
  }
}

/** Ids a 404 repeats: plain, at most 80 characters (ids come from the request's path). */
const SHOWN_ID = /^[A-Za-z0-9._:@+-]{1,80}$/;

export class NotFoundError extends DomainError {
  constructor(what: string, id: string) {
    super(
      404,
      `${what} not found`,
      SHOWN_ID.test(id)
        ? `No ${what.toLowerCase()} with id "${id}"`
        : `No ${what.toLowerCase()} with that id`,
    );
  }
}

export class ConflictError extends DomainError {
  constructor(error: string, details: string) {
    super(409, error, details);
  }
}

export class BadRequestError extends DomainError {
  constructor(error: string, details: string | Record<string, unknown>) {
    super(400, error, details);
  }
}
