/**
 * The one exception type of Ratify. Its `code` is the GraphQL `extensions.code` the client sees;
 * `details` carries the extensions a client can act on (see common/graphql-errors.ts for which
 * keys each code exposes). Pure TypeScript, so the workflow can throw it.
 */
export enum ErrorCode {
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  NOT_FOUND = 'NOT_FOUND',
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  INVALID_TRANSITION = 'INVALID_TRANSITION',
  VERSION_CONFLICT = 'VERSION_CONFLICT',
  /** A request over the depth, cost or alias limits, refused before any resolver ran. */
  QUERY_TOO_COMPLEX = 'QUERY_TOO_COMPLEX',
  /** Too many writes from one token or address; `retryAfter` seconds until the next is taken. */
  RATE_LIMITED = 'RATE_LIMITED',
}

export type ErrorDetails = Record<string, unknown>;

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetails = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }

  /** Bad input, naming each offending field (dotted path inside the input) with its message. */
  static badInput(fields: Record<string, string>): DomainError {
    const message = Object.entries(fields)
      .map(([field, problem]) => `${field}: ${problem}`)
      .join('; ');
    return new DomainError(ErrorCode.BAD_USER_INPUT, `Invalid input. ${message}`, { fields });
  }

  static notFound(what: string, id: string): DomainError {
    return new DomainError(ErrorCode.NOT_FOUND, `No ${what} with id ${id}.`);
  }
}
