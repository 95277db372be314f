import { Logger } from '@nestjs/common';
import {
  GraphQLError,
  type ExecutionResult,
  type FormattedExecutionResult,
  type GraphQLFormattedError,
} from 'graphql';
import { DomainError, ErrorCode } from './domain-error.js';

/** The one place where errors become what a client sees (HTTP and WebSocket alike). */

const logger = new Logger('GraphQLErrors');

/** Errors GraphQL itself raises about a request (parsing, validation, variable values). */
const CLIENT_ERROR_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
]);

/** The error that started it all, under the GraphQLErrors that wrap it on the way out. */
function causeOf(error: unknown): unknown {
  let cause = error;
  while (cause instanceof GraphQLError && cause.originalError) {
    cause = cause.originalError;
  }
  return cause;
}

/** The extensions of a domain error: its code and the details that code promises. */
function extensionsOf(error: DomainError): Record<string, unknown> {
  const pick = (...keys: string[]) =>
    Object.fromEntries(
      keys.filter((key) => key in error.details).map((key) => [key, error.details[key]]),
    );
  switch (error.code) {
    case ErrorCode.UNAUTHENTICATED:
    case ErrorCode.NOT_FOUND:
      return { code: error.code };
    case ErrorCode.FORBIDDEN:
      return { code: error.code, ...pick('requiredRole') };
    case ErrorCode.BAD_USER_INPUT:
      return { code: error.code, ...pick('fields') };
    case ErrorCode.INVALID_TRANSITION:
      return {
        code: error.code,
        ...pick(
          'stage',
          'action',
          'availableActions',
          'reason',
          'partyCode',
          'approvalStatus',
          'requestedApprovalStatus',
          'partyStatus',
          'partyAction',
        ),
      };
    case ErrorCode.VERSION_CONFLICT:
      return { code: error.code, ...pick('expectedVersion', 'actualVersion') };
    case ErrorCode.QUERY_TOO_COMPLEX:
      return { code: error.code, ...pick('limit', 'value', 'max') };
    case ErrorCode.RATE_LIMITED:
      return { code: error.code, ...pick('retryAfter') };
    default: {
      const unhandled: never = error.code;
      throw new Error(`No mapping for error code ${String(unhandled)}`);
    }
  }
}

/**
 * Apollo's `formatError`: domain errors keep their message and promised extensions; GraphQL's
 * own request errors (no path: parsing, validation, variable values) pass without stack traces;
 * anything else is logged in full and reaches the client only as INTERNAL_SERVER_ERROR, with no
 * SQL, stack or secret. `requestErrorCode` names a request error that came without a code.
 */
export function formatGraphQLError(
  formatted: GraphQLFormattedError,
  error: unknown,
  requestErrorCode?: string,
): GraphQLFormattedError {
  const original = causeOf(error);
  const { locations, path } = formatted;
  if (original instanceof DomainError) {
    return { message: original.message, locations, path, extensions: extensionsOf(original) };
  }
  // Only an error GraphQL raised itself is a request error; one with a cause went wrong inside.
  const code = formatted.extensions?.code ?? (original === error ? requestErrorCode : undefined);
  if (typeof code === 'string' && CLIENT_ERROR_CODES.has(code) && !path) {
    return { message: formatted.message, locations, extensions: { code } };
  }
  logger.error(
    `Internal error${path ? ` at ${path.join('.')}` : ''}: ${formatted.message}`,
    original instanceof Error ? original.stack : undefined,
  );
  return {
    message: 'Internal server error. It has been logged.',
    locations,
    path,
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  };
}

/** The code formatGraphQLError gives `error` (for the metrics), without logging anything. */
export function errorCode(error: GraphQLError, requestErrorCode = 'BAD_USER_INPUT'): string {
  const original = causeOf(error);
  if (original instanceof DomainError) {
    return original.code;
  }
  const code = error.extensions?.code ?? (original === error ? requestErrorCode : undefined);
  return typeof code === 'string' && CLIENT_ERROR_CODES.has(code) && !error.path
    ? code
    : 'INTERNAL_SERVER_ERROR';
}

/**
 * The same mapping for what goes over WebSocket (graphql-ws `onNext`), where GraphQL's request
 * errors come without codes: an error with neither path nor cause is about the request itself.
 */
export function formatExecutionResult(result: ExecutionResult): FormattedExecutionResult {
  if (!result.errors?.length) {
    return result;
  }
  return {
    ...result,
    errors: result.errors.map((error) =>
      formatGraphQLError(error.toJSON(), error, error.path ? undefined : 'BAD_USER_INPUT'),
    ),
  };
}

/**
 * A domain error raised before execution (limits, access to reads), as Apollo needs it to answer
 * with an HTTP status other than 500; formatGraphQLError still maps it by its cause.
 */
export function requestError(error: DomainError, status: number): GraphQLError {
  return new GraphQLError(error.message, {
    originalError: error,
    extensions: { code: error.code, http: { status } },
  });
}
