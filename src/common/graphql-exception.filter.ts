import { Catch, HttpException, HttpStatus, type ArgumentsHost } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { GqlContextType } from '@nestjs/graphql';
import type { Request, Response } from 'express';
import { GRAPHQL_PATH } from './graphql-options.js';

/** Codes for a request to /graphql refused before GraphQL saw it (its body). */
const BODY_ERROR_CODES: Partial<Record<number, string>> = {
  [HttpStatus.BAD_REQUEST]: 'BAD_REQUEST',
  [HttpStatus.PAYLOAD_TOO_LARGE]: 'PAYLOAD_TOO_LARGE',
};

/**
 * Hands every error of a GraphQL operation to Apollo untouched, so that formatGraphQLError is the
 * one place that maps and logs it (Nest would otherwise log each refused request as an error).
 * A body refused on its way to /graphql (malformed JSON, too large) is answered in GraphQL's
 * shape, with a code, so that clients handle it like any other error. Other routes keep Nest's
 * handling.
 */
@Catch()
export class GraphQLExceptionFilter extends BaseExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): unknown {
    if (host.getType<GqlContextType>() === 'graphql') {
      return exception;
    }
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const code =
      exception instanceof HttpException ? BODY_ERROR_CODES[exception.getStatus()] : undefined;
    if (code && request.path === GRAPHQL_PATH) {
      const status = (exception as HttpException).getStatus();
      const message =
        code === 'PAYLOAD_TOO_LARGE'
          ? 'The request body is larger than the server accepts (MAX_BODY_BYTES).'
          : 'The request body is not valid JSON.';
      http
        .getResponse<Response>()
        .status(status)
        .json({ errors: [{ message, extensions: { code } }] });
      return;
    }
    return super.catch(exception, host);
  }
}
